/// Why a form body was refused before any field was looked at.
public enum FormDataError: Error, Equatable, Sendable {
    case tooLarge(limit: Int)
    case tooManyFields(limit: Int)
    /// A `%` not followed by two hex digits.
    case malformedEscape
    case notUTF8
    /// The same name twice. Refused rather than picking one, because which one wins differs
    /// between parsers, and that difference is what request-smuggling tricks rely on.
    case duplicateField(name: String)
}

/// A decoded `application/x-www-form-urlencoded` body (the WHATWG URL standard's rules:
/// `&` between fields, `=` between name and value, `+` for space, `%XX` for a byte).
public struct FormData: Sendable, Equatable {
    /// Far above what the settings forms send (a URL of at most 2 KiB and a few short fields).
    public static let maximumBodySize = 16 * 1024
    public static let maximumFieldCount = 16

    public private(set) var fields: [String: String] = [:]

    public init(_ fields: [String: String]) {
        self.fields = fields
    }

    public init(
        decoding body: [UInt8], maximumBodySize: Int = Self.maximumBodySize,
        maximumFieldCount: Int = Self.maximumFieldCount
    ) throws(FormDataError) {
        guard body.count <= maximumBodySize else { throw .tooLarge(limit: maximumBodySize) }
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard fields.count < maximumFieldCount else { throw .tooManyFields(limit: maximumFieldCount) }
            let name: String
            let value: String
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                name = try Self.decode(pair[pair.startIndex..<equals])
                value = try Self.decode(pair[(equals + 1)...])
            } else {
                name = try Self.decode(pair)
                value = ""
            }
            guard fields[name] == nil else { throw .duplicateField(name: name) }
            fields[name] = value
        }
    }

    public subscript(name: String) -> String? { fields[name] }

    private static func decode(_ bytes: ArraySlice<UInt8>) throws(FormDataError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw .malformedEscape }
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: output, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
