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
            guard let base = source.baseAddress else { return }
            let count = source.count
            var runStart = 0
            var index = 0
            while index < count {
                // A page view escapes some twenty names, addresses and dates, nearly all plain:
                // eight bytes at a time are passed over with one word test, then the next
                // eight (or the rest) are looked at one by one.
                while count - index >= 8,
                    !mayHoldSpecialByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                }
                let end = Swift.min(index + 8, count)
                while index < end {
                    let byte = base[index]
                    index += 1
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
                    output.append(UnsafeBufferPointer(rebasing: source[runStart..<index - 1]))
                    reference.withUTF8Buffer { output.append($0) }
                    runStart = index
                }
            }
            output.append(UnsafeBufferPointer(rebasing: source[runStart...]))
        }
    }

    /// Whether any of the eight bytes of `word` may be one of the five; false means none is.
    /// `&` (0x26) and `'` (0x27) differ only in their lowest bit and `<` (0x3C) and `>` (0x3E)
    /// only in the next one, so with those bits set three values are left to find: 0x22, 0x27
    /// and 0x3E. A byte equal to `c` is a zero byte of `word ^ c…c`, and for any `x`,
    /// `(x - 0x01…01) & ~x & 0x80…80` is non-zero exactly when `x` has a zero byte.
    @inline(__always)
    static func mayHoldSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let ampersandOrApostrophe = (word | ones) ^ (ones &* 0x27)
        let angleBracket = (word | (ones &* 0x02)) ^ (ones &* 0x3E)
        let zeroBytes =
            ((quote &- ones) & ~quote) | ((ampersandOrApostrophe &- ones) & ~ampersandOrApostrophe)
            | ((angleBracket &- ones) & ~angleBracket)
        return zeroBytes & (ones &* 0x80) != 0
    }
}
