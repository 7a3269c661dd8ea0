/// The box's settings file, `odoo.conf`: an INI file in the dialect of Python's configparser,
/// which is what an existing Odoo box writes and reads (Odoo reads it with a strict
/// `RawConfigParser`, so this reader follows that one, `OdooConfigParser`).
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
        /// A comment or a blank line: kept verbatim, part of no value.
        case verbatim(String)
        /// A line indented deeper than the entry above it: the rest of that entry's value.
        case continuation(String)
        case section(name: String, raw: String)
        /// `value` is the whole value: this line's, then each continuation line's, joined
        /// with newlines as configparser joins them.
        case entry(key: String, value: String, raw: String)

        var raw: String {
            switch self {
            case .verbatim(let raw), .continuation(let raw), .section(_, let raw), .entry(_, _, let raw): return raw
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

    /// The file's text, each line ending with a newline (a file read with `\r\n` or `\r`
    /// line ends is written with `\n`; Python reads all three alike).
    public var text: String {
        lines.isEmpty ? "" : lines.map(\.raw).joined(separator: "\n") + "\n"
    }

    /// A box key's value. Setting one writes it on one line: line breaks become spaces and
    /// blanks around it are dropped, as the reader would drop them, so what is set is what
    /// the file reads back.
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
        let flat = OdooConfigParser.oneLine(value)
        func entry(indentedLike neighbour: Line?) -> Line {
            let indent = neighbour.map { OdooConfigParser.indentation(of: $0.raw) } ?? ""
            return .entry(key: key, value: flat, raw: "\(indent)\(key) = \(flat)")
        }
        if let index = entryIndex(section: section, key: key) {
            // Indented as before, so the lines around it keep their meaning.
            lines.replaceSubrange(index..<valueEnd(after: index), with: [entry(indentedLike: lines[index])])
        } else if let range = sectionRange(section) {
            // After the section's last value, before any blank lines and comments that
            // introduce the next section. Indented like the entry above it (or, with none, like
            // the next section's header), so it neither continues that entry's value nor
            // takes the next header as its own continuation.
            var insertAt = range.lowerBound + 1
            var above: Line?
            for index in range.dropFirst() {
                switch lines[index] {
                case .entry:
                    above = lines[index]
                    insertAt = index + 1
                case .continuation: insertAt = index + 1
                case .verbatim, .section: break
                }
            }
            let below = lines[insertAt...].first { if case .verbatim = $0 { false } else { true } }
            lines.insert(entry(indentedLike: above ?? below), at: insertAt)
        } else {
            if let last = lines.last, !OdooConfigParser.stripped(last.raw).isEmpty { lines.append(.verbatim("")) }
            lines.append(.section(name: section, raw: "[\(section)]"))
            lines.append(entry(indentedLike: nil))
        }
    }

    mutating func removeValue(section: String, key: String) {
        guard let index = entryIndex(section: section, key: key) else { return }
        lines.removeSubrange(index..<valueEnd(after: index))
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

    /// The index after an entry's last continuation line; blank lines and comments between
    /// its continuation lines belong to it, those after the last one do not.
    private func valueEnd(after index: Int) -> Int {
        var end = index + 1
        var next = index + 1
        scan: while next < lines.count {
            switch lines[next] {
            case .continuation: end = next + 1
            case .verbatim: break
            case .entry, .section: break scan
            }
            next += 1
        }
        return end
    }
}

/// configparser's reading of a file (Python 3's `RawConfigParser._read`, strict, with its
/// defaults): lines end at `\n`, `\r\n` or `\r`; a line whose first non-blank character is `#`
/// or `;` is a comment; a line indented deeper than the entry above it continues that entry's
/// value (blank lines between continue it too); `[name]` at a line's start, up to its last
/// `]`, opens a section; otherwise `key = value` or `key: value`, split at the first `=` or
/// `:`. Blanks are Python's (`str.isspace`). A section, or a key within one section (compared
/// lowercased), may appear only once.
private enum OdooConfigParser {
    static func parse(_ text: String) throws(OdooConfigError) -> [OdooConfig.Line] {
        var lines: [OdooConfig.Line] = []
        var sections: Set<String> = []
        var keysInSection: Set<String> = []
        var currentSection: String?
        /// The entry whose value may go on, with the parts read so far.
        var open: (index: Int, parts: [String])?
        var indentLevel = 0

        func close() {
            guard let entry = open, case .entry(let key, _, let raw) = lines[entry.index] else { return }
            let joined = String(rightStripped(Array(entry.parts.joined(separator: "\n").unicodeScalars)))
            lines[entry.index] = .entry(key: key, value: joined, raw: raw)
            open = nil
        }

        for (offset, raw) in splitLines(text).enumerated() {
            let number = offset + 1
            let scalars = Array(raw.unicodeScalars)
            let content = stripped(scalars)
            if content.isEmpty || content.first == "#" || content.first == ";" {
                lines.append(.verbatim(raw))
                if content.isEmpty { open?.parts.append("") }
                continue
            }
            let indent = scalars.prefix(while: isBlank).count
            if open != nil, indent > indentLevel {
                open?.parts.append(String(content))
                lines.append(.continuation(raw))
                continue
            }
            close()
            indentLevel = indent
            if content.first == "[", let end = content.lastIndex(of: "]"), end > content.startIndex + 1 {
                let name = String(content[(content.startIndex + 1)..<end])
                guard sections.insert(name).inserted else { throw .duplicateSection(line: number, name: name) }
                currentSection = name
                keysInSection = []
                lines.append(.section(name: name, raw: raw))
                continue
            }
            guard let section = currentSection else {
                // configparser calls both a missing header; a broken header is the likelier mistake.
                if content.first == "[" { throw .malformedLine(line: number, text: raw) }
                throw .missingSectionHeader(line: number)
            }
            guard let separator = content.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .malformedLine(line: number, text: raw)
            }
            let key = String(rightStripped(content[..<separator]))
            guard !key.isEmpty else { throw .malformedLine(line: number, text: raw) }
            guard keysInSection.insert(key.lowercased()).inserted else {
                throw .duplicateKey(line: number, section: section, key: key)
            }
            let value = String(stripped(content[(separator + 1)...]))
            lines.append(.entry(key: key, value: value, raw: raw))
            open = (lines.count - 1, [value])
        }
        close()
        return lines
    }

    /// Python's universal newlines: `\r\n`, `\r` and `\n` each end a line.
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    /// A value as it is written: line breaks become spaces, blanks around it go.
    static func oneLine(_ value: String) -> String {
        String(stripped(value.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : $0 }))
    }

    static func indentation(of raw: String) -> String {
        String(String.UnicodeScalarView(raw.unicodeScalars.prefix(while: isBlank)))
    }

    static func stripped(_ raw: String) -> ArraySlice<Unicode.Scalar> { stripped(Array(raw.unicodeScalars)) }

    static func stripped<C: BidirectionalCollection<Unicode.Scalar>>(_ scalars: C) -> C.SubSequence {
        rightStripped(scalars.drop(while: isBlank))
    }

    static func rightStripped<C: BidirectionalCollection<Unicode.Scalar>>(_ scalars: C) -> C.SubSequence {
        var end = scalars.endIndex
        while end > scalars.startIndex, isBlank(scalars[scalars.index(before: end)]) {
            end = scalars.index(before: end)
        }
        return scalars[..<end]
    }

    /// Python's `str.isspace()`: Unicode's White_Space, plus the four information separators.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }
}

extension String {
    fileprivate init<C: Collection<Unicode.Scalar>>(_ scalars: C) {
        self.init(String.UnicodeScalarView(scalars))
    }
}
