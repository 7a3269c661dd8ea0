/// Removes the box's credentials from text meant for people: error details shown on pages and
/// every log line.
public enum SecretRedaction {
    static let mask = Array("[redacted]".utf8)

    /// `text` with each occurrence of each secret, left to right, replaced by `[redacted]`.
    public static func redacting(_ secrets: [String], in text: String) -> String {
        var redacted = text
        for secret in secrets {
            redacted = redacting(secret, in: redacted)
        }
        return redacted
    }

    /// `text` with each occurrence of `secret`, left to right, replaced by `[redacted]`. The
    /// secret is found by comparing UTF-8 bytes (a match starts and ends on a character's
    /// encoding boundary, UTF-8 being self-synchronising, so the result is valid UTF-8 again),
    /// so its bytes are redacted wherever they appear, also next to a combining mark, where
    /// `replacing`, which compares whole characters, leaves them; and an ASCII secret (an
    /// enterprise code) needs no other pass, so a box's first log line does not bring the
    /// string-processing library's code into memory. A secret beyond ASCII may also be written
    /// in another normalisation form, which only `replacing` finds: it gets both.
    public static func redacting(_ secret: String, in text: String) -> String {
        let needle = Array(secret.utf8)
        guard let first = needle.first else { return text }
        var redacted = text
        let haystack = Array(text.utf8)
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) {
                output.append(contentsOf: haystack[copied..<index])
                output.append(contentsOf: mask)
                index += needle.count
                copied = index
            } else {
                index += 1
            }
        }
        if copied > 0 {
            output.append(contentsOf: haystack[copied...])
            redacted = String(decoding: output, as: UTF8.self)
        }
        return needle.allSatisfy({ $0 < 0x80 }) ? redacted : redacted.replacing(secret, with: "[redacted]")
    }
}
