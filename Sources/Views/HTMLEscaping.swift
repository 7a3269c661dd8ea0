/// Escaping for text and attribute values. The five characters covered are the ones that
/// can end a text run or a quoted attribute, so one function serves both contexts.
public enum HTMLEscaping {
    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ value: String) -> String {
        var output = HTMLBuilder()
        append(value, to: &output)
        return output.html
    }

    /// Appends the UTF-8 of `value` with the five characters escaped. Each of them is ASCII,
    /// and no byte of a multi-byte UTF-8 sequence is ASCII, so a byte scan finds them all and
    /// copies everything else unchanged, in runs.
    static func append(_ value: String, to output: inout HTMLBuilder) {
        var value = value
        value.withUTF8 { source in
            var runStart = 0
            for index in source.indices {
                let byte = source[index]
                // All five are below `?`: most bytes of a text leave here.
                guard byte < UInt8(ascii: "?") else { continue }
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
