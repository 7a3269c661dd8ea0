/// Escaping for text and attribute values. The five characters covered are the ones that
/// can end a text run or a quoted attribute, so one function serves both contexts.
public enum HTMLEscaping {
    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ value: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        append(value, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the UTF-8 of `value` with the five characters escaped. Each of them is ASCII,
    /// and no byte of a multi-byte UTF-8 sequence is ASCII, so a byte scan finds them all and
    /// copies everything else unchanged, in runs.
    public static func append(_ value: String, to output: inout [UInt8]) {
        var value = value
        value.withUTF8 { source in
            var runStart = 0
            for index in source.indices {
                let reference: StaticString
                switch source[index] {
                case UInt8(ascii: "&"): reference = "&amp;"
                case UInt8(ascii: "<"): reference = "&lt;"
                case UInt8(ascii: ">"): reference = "&gt;"
                case UInt8(ascii: "\""): reference = "&quot;"
                case UInt8(ascii: "'"): reference = "&#39;"
                default: continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                reference.withUTF8Buffer { output.append(contentsOf: $0) }
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
        }
    }
}
