/// Escaping for text and attribute values. The five characters covered are the ones that
/// can end a text run or a quoted attribute, so one function serves both contexts.
public enum HTMLEscaping {
    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ value: String) -> String {
        var output = ""
        output.reserveCapacity(value.utf8.count)
        append(value, to: &output)
        return output
    }

    /// Appends the escaped form of `value`, without building an intermediate string for
    /// the common case of text that needs no escaping.
    public static func append(_ value: String, to output: inout String) {
        guard value.utf8.contains(where: needsEscaping) else {
            output += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
