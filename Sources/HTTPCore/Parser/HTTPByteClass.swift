/// Byte classes of RFC 9110/9112 grammar, as the parser's hot loops need them: plain
/// comparisons the compiler folds, no tables to bounds-check.
enum HTTPByteClass {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// tchar (RFC 9110 §5.6.2): the characters allowed in methods and field names.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// A byte a request-target may hold: visible ASCII. A fragment (`#`) is never sent by
    /// a client (RFC 9112 §3.2), so it is refused like a control.
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "#")
    }

    /// field-vchar, SP or HTAB (RFC 9110 §5.5); obs-text (>= 0x80) is allowed.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// Whether `bytes[start..<end]` equals `lowercase` ignoring ASCII case; `lowercase` must
    /// be lowercase ASCII.
    @inline(__always)
    static func equalsLowercase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ lowercase: StaticString
    ) -> Bool {
        guard end - start == lowercase.utf8CodeUnitCount else { return false }
        let literal = lowercase.utf8Start
        for offset in 0..<(end - start) {
            var byte = bytes[start + offset]
            if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
            if byte != literal[offset] { return false }
        }
        return true
    }

    /// The bytes as a String; invalid UTF-8 (obs-text) becomes U+FFFD.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
