/// The box's settings file, `odoo.conf`: an INI file in the dialect of Python's configparser,
/// which is what an existing Odoo box writes and reads.
///
/// The file is kept as its original lines, and only the lines of keys that change are
/// rewritten, so every other section, key, comment and blank line survives a save untouched.
/// Keys compare case-insensitively (configparser lowercases them); section names do not.
public struct OdooConfig: Sendable, Equatable {
    public static let boxSection = "iot.box"

    /// The keys this program owns, all in `[iot.box]`.
    public enum Key: String, Sendable, CaseIterable {
        case remoteServer = "remote_server"
        case dbUUID = "db_uuid"
        case enterpriseCode = "enterprise_code"
        case subject
        case logLevel = "log_level"
    }

    fileprivate enum Line: Sendable, Equatable {
        /// A comment, a blank line or a value's continuation: kept verbatim.
        case verbatim(String)
        case section(name: String, raw: String)
        case entry(key: String, value: String, raw: String)

        var raw: String {
            switch self {
            case .verbatim(let raw), .section(_, let raw), .entry(_, _, let raw): return raw
            }
        }
    }

    private var lines: [Line] = []

    /// An empty file.
    public init() {}

    public init(parsing text: String) throws(OdooConfigError) {
        lines = try OdooConfigParser.parse(text)
    }

    /// The file's bytes as read from disk: UTF-8 text, else `.notUTF8`.
    public init(parsing bytes: [UInt8]) throws(OdooConfigError) {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        try self.init(parsing: text)
    }

    /// The file's text, ending with a newline.
    public var text: String {
        lines.isEmpty ? "" : lines.map(\.raw).joined(separator: "\n") + "\n"
    }

    public subscript(key: Key) -> String? {
        get { value(section: Self.boxSection, key: key.rawValue) }
        set {
            if let newValue {
                setValue(newValue, section: Self.boxSection, key: key.rawValue)
            } else {
                removeValue(section: Self.boxSection, key: key.rawValue)
            }
        }
    }

    /// Any value of the file, for keys this program does not own. Empty values read as nil,
    /// as an Odoo box writes `db_uuid =` for "not set".
    func value(section: String, key: String) -> String? {
        guard let index = entryIndex(section: section, key: key), case .entry(_, let value, _) = lines[index] else {
            return nil
        }
        return value.isEmpty ? nil : value
    }

    mutating func setValue(_ value: String, section: String, key: String) {
        // A newline would start a line the parser reads as something else.
        let flat = String(value.map { $0.isNewline ? " " : $0 })
        let line = Line.entry(key: key, value: flat, raw: "\(key) = \(flat)")
        if let index = entryIndex(section: section, key: key) {
            let end = continuationEnd(after: index)
            lines.replaceSubrange(index..<end, with: [line])
        } else if let range = sectionRange(section) {
            // After the section's last entry, before any blank lines and comments that
            // introduce the next section.
            var insertAt = range.upperBound
            while insertAt > range.lowerBound + 1, case .verbatim = lines[insertAt - 1] { insertAt -= 1 }
            lines.insert(line, at: insertAt)
        } else {
            if let last = lines.last, !last.raw.allSatisfy(\.isWhitespace) { lines.append(.verbatim("")) }
            lines.append(.section(name: section, raw: "[\(section)]"))
            lines.append(line)
        }
    }

    mutating func removeValue(section: String, key: String) {
        guard let index = entryIndex(section: section, key: key) else { return }
        lines.removeSubrange(index..<continuationEnd(after: index))
    }

    /// Lines from the section header to just before the next header.
    private func sectionRange(_ section: String) -> Range<Int>? {
        guard
            let start = lines.firstIndex(where: {
                if case .section(let name, _) = $0 { return name == section }
                return false
            })
        else { return nil }
        var end = start + 1
        while end < lines.count {
            if case .section = lines[end] { break }
            end += 1
        }
        return start..<end
    }

    private func entryIndex(section: String, key: String) -> Int? {
        guard let range = sectionRange(section) else { return nil }
        return range.first { index in
            if case .entry(let name, _, _) = lines[index] { return name.lowercased() == key.lowercased() }
            return false
        }
    }

    /// The index after an entry's continuation lines (indented lines that belong to its value).
    private func continuationEnd(after index: Int) -> Int {
        var end = index + 1
        while end < lines.count, case .verbatim(let raw) = lines[end], OdooConfigParser.isContinuation(raw) {
            end += 1
        }
        return end
    }
}

/// configparser's grammar, strict mode: comments start with `#` or `;`, keys are separated
/// from values by `=` or `:`, an indented line continues the previous value, and a section
/// or a key within one section may appear only once.
private enum OdooConfigParser {
    static func isContinuation(_ raw: String) -> Bool {
        guard let first = raw.first, first == " " || first == "\t" else { return false }
        return !raw.allSatisfy(\.isWhitespace)
    }

    static func parse(_ text: String) throws(OdooConfigError) -> [OdooConfig.Line] {
        var lines: [OdooConfig.Line] = []
        var sections: Set<String> = []
        var keysInSection: Set<String> = []
        var currentSection: String?
        var lastWasEntry = false
        var rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if rawLines.last == "" { rawLines.removeLast() }

        for (offset, raw) in rawLines.enumerated() {
            let number = offset + 1
            let trimmed = raw.trimmingCharacters(in: " \t")
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") {
                lines.append(.verbatim(raw))
                if trimmed.isEmpty { lastWasEntry = false }
                continue
            }
            if lastWasEntry, isContinuation(raw) {
                lines.append(.verbatim(raw))
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw .malformedLine(line: number, text: raw)
                }
                let name = String(trimmed.dropFirst().dropLast())
                guard sections.insert(name).inserted else { throw .duplicateSection(line: number, name: name) }
                currentSection = name
                keysInSection = []
                lines.append(.section(name: name, raw: raw))
                lastWasEntry = false
                continue
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .malformedLine(line: number, text: raw)
            }
            let key = String(trimmed[..<separator]).trimmingCharacters(in: " \t")
            guard !key.isEmpty else { throw .malformedLine(line: number, text: raw) }
            guard let section = currentSection else { throw .missingSectionHeader(line: number) }
            guard keysInSection.insert(key.lowercased()).inserted else {
                throw .duplicateKey(line: number, section: section, key: key)
            }
            let value = String(trimmed[trimmed.index(after: separator)...]).trimmingCharacters(in: " \t")
            lines.append(.entry(key: key, value: value, raw: raw))
            lastWasEntry = true
        }
        return lines
    }
}

extension StringProtocol {
    /// The string without leading and trailing characters from `set`; no Foundation needed.
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
