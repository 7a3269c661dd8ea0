/// Escaping for text and attribute values. The five characters covered are the ones that
/// can end a text run or a quoted attribute, so one function serves both contexts.
public enum HTMLEscaping {
    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ value: String) -> String {
        var output = HTMLBuilder()
        append(value, to: &output)
        return output.html
    }

    /// Whether `literal` holds none of the five characters, so that it is its own escaped form.
    static func needsNoEscaping(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { bytes in
            !bytes.contains {
                [UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'")]
                    .contains($0)
            }
        }
    }

    /// Appends the UTF-8 of `value` with the five characters escaped. Each of them is ASCII,
    /// and no byte of a multi-byte UTF-8 sequence is ASCII, so a byte scan finds them all and
    /// copies everything else unchanged, in runs.
    static func append(_ value: String, to output: inout HTMLBuilder) {
        // Bit N is set for each of the five bytes N (all below 64: `"` 0x22, `&` 0x26, `'` 0x27,
        // `<` 0x3C, `>` 0x3E).
        let specialBytes: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E
        var value = value
        value.withUTF8 { source in
            var runStart = 0
            for index in source.indices {
                let byte = source[index]
                // All five are below 64: one shift and test leaves every other byte alone.
                guard byte < 64, specialBytes & (1 << UInt64(byte)) != 0 else { continue }
                let reference: StaticString
                switch byte {
                case UInt8(ascii: "&"): reference = "&amp;"
                case UInt8(ascii: "<"): reference = "&lt;"
                case UInt8(ascii: ">"): reference = "&gt;"
                case UInt8(ascii: "\""): reference = "&quot;"
                case UInt8(ascii: "'"): reference = "&#39;"
                default: continue
                }
                output.append(UnsafeBufferPointer(rebasing: source[runStart..<index]))
                reference.withUTF8Buffer { output.append($0) }
                runStart = index + 1
            }
            output.append(UnsafeBufferPointer(rebasing: source[runStart...]))
        }
    }
}
