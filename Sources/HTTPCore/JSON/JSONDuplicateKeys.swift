/// A JSON document whose objects name a key twice. It is JSON, but two readers may read it
/// differently: `JSONValue` keeps the first value, Python's `json` the last. A reader that must
/// not guess (an answer that decides what the box installs) refuses it.
public struct JSONDuplicateKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key named twice, decoded.
    public var key: String

    public init(key: String) {
        self.key = key
    }

    public var description: String { "the key \(JSONValue.string(key)) appears twice in one object" }
}

extension JSONValue {
    /// What to do with an object that names a key twice.
    public enum DuplicateKeys: Sendable {
        /// Keep the first value (as `JSONSerialization` did).
        case keepFirst
        /// Throw `JSONDuplicateKeyError`.
        case refuse
    }

    /// Parses a whole document; with `.refuse`, a document where any object names a key twice
    /// (keys compared after their escapes are decoded) throws `JSONDuplicateKeyError`.
    public init(parsing bytes: [UInt8], duplicateKeys: DuplicateKeys) throws {
        try self.init(parsing: bytes)
        if duplicateKeys == .refuse, let key = JSONDuplicateKeyScan.firstDuplicateKey(in: bytes) {
            throw JSONDuplicateKeyError(key: key)
        }
    }
}

/// One pass over a document the decoder has accepted, tracking each open object's keys.
/// Iterative (nesting is bounded by the decoder's own depth limit, not by this stack).
enum JSONDuplicateKeyScan {
    private struct Container {
        var isObject: Bool
        var keys: Set<String> = []
        /// In an object, the next string is a key (after `{` or `,`).
        var expectsKey: Bool
    }

    static func firstDuplicateKey(in bytes: [UInt8]) -> String? {
        var open: [Container] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                open.append(Container(isObject: true, expectsKey: true))
            case UInt8(ascii: "["):
                open.append(Container(isObject: false, expectsKey: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = open.popLast()
            case UInt8(ascii: ","):
                if let last = open.indices.last, open[last].isObject { open[last].expectsKey = true }
            case UInt8(ascii: "\""):
                let isKey = open.last.map { $0.isObject && $0.expectsKey } ?? false
                let (text, end) = readString(bytes, from: index + 1, decoding: isKey)
                if isKey, let last = open.indices.last {
                    open[last].expectsKey = false
                    if !open[last].keys.insert(text).inserted { return text }
                }
                index = end
                continue
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The string starting after its opening quote, decoded when `decoding` (else empty), and
    /// the index after its closing quote.
    private static func readString(_ bytes: [UInt8], from start: Int, decoding: Bool) -> (String, Int) {
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        var index = start
        func flushRaw() {
            guard !raw.isEmpty else { return }
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: "\\") else {
                if decoding { raw.append(byte) }
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { break }
            let escaped = bytes[index + 1]
            index += 2
            guard decoding else {
                if escaped == UInt8(ascii: "u") { index += 4 }
                continue
            }
            flushRaw()
            switch escaped {
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                guard let unit = hexUnit(bytes, at: index) else {
                    scalars.append("\u{FFFD}")
                    continue
                }
                index += 4
                if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = hexUnit(bytes, at: index + 2),
                    (0xDC00..<0xE000).contains(low)
                {
                    index += 6
                    scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}")
                } else {
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            default:
                // `\"`, `\\`, `\/` stand for themselves.
                scalars.append(Unicode.Scalar(escaped))
            }
        }
        flushRaw()
        return (String(scalars), index + 1)
    }

    private static func hexUnit(_ bytes: [UInt8], at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[start..<(start + 4)] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
