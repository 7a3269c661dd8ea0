import CertService
import Testing

@Suite struct SecretRedactionTests {
    /// The byte search redacts what `replacing` redacts, and more only where the secret's bytes
    /// sit next to a combining mark; a secret beyond ASCII is also found in another
    /// normalisation form.
    @Test func redactionMatchesReplacing() {
        let cases: [(String, String)] = [
            ("M1234567890", "code M1234567890 and M1234567890."),
            ("M1234567890", "no secret here"),
            ("aa", "aaaaa"),
            ("M1", "é M1 ü M1"),
            ("M1", "M1"),
            ("M1", "xM"),
            ("ü", "für über"),
        ]
        for (secret, text) in cases {
            #expect(SecretRedaction.redacting(secret, in: text) == text.replacing(secret, with: "[redacted]"))
        }
        #expect(SecretRedaction.redacting("M1", in: "M1\u{301} M1") == "[redacted]\u{301} [redacted]")
        #expect("M1\u{301} M1".replacing("M1", with: "[redacted]") == "M1\u{301} [redacted]")
        #expect(SecretRedaction.redacting("", in: "text") == "text")
        #expect(SecretRedaction.redacting("caf\u{E9}", in: "cafe\u{301} caf\u{E9}") == "[redacted] [redacted]")
        #expect(SecretRedaction.redacting("ab", in: "ab\u{301}c") == "[redacted]\u{301}c")
    }

    @Test func everySecretOfAListIsRedacted() {
        #expect(
            SecretRedaction.redacting(["M1234567890", "db-uuid"], in: "code M1234567890 for db-uuid")
                == "code [redacted] for [redacted]")
        #expect(SecretRedaction.redacting([], in: "nothing to hide") == "nothing to hide")
    }
}
