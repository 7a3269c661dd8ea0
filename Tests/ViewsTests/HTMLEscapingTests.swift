import Testing

@testable import Views

@Suite struct HTMLEscapingTests {
    @Test func escapesTheFiveSpecialCharacters() {
        #expect(HTMLEscaping.escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
    }

    @Test func leavesPlainAndNonASCIITextAlone() {
        #expect(HTMLEscaping.escape("Café – 42 €") == "Café – 42 €")
    }

    @Test func escapesAtBothEndsAndBesideMultibyteCharacters() {
        #expect(HTMLEscaping.escape("<é>") == "&lt;é&gt;")
        #expect(HTMLEscaping.escape("€&€'") == "€&amp;€&#39;")
        #expect(HTMLEscaping.escape("") == "")
    }

    /// The word test passes over eight bytes only when none is one of the five: each byte value
    /// at each place in a word of plain bytes.
    @Test func wordTestFindsEachSpecialByteAtEachPlace() {
        let special: Set<UInt8> = [0x22, 0x26, 0x27, 0x3C, 0x3E]
        for byte in UInt8.min...UInt8.max {
            for place in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[place] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(HTMLEscaping.mayHoldSpecialByte(word) == special.contains(byte))
            }
        }
    }

    /// Escaping by words writes what escaping byte by byte writes, for texts of every length
    /// around the word size with the five characters, multi-byte characters and plain ones.
    @Test func escapingMatchesTheBytewiseDefinition() {
        let pieces = ["a", "&", "<", ">", "\"", "'", "é", "€", "=", "?", "-", ":", "/", "9", " ", "\u{1F600}"]
        // A fixed sequence (xorshift), so that a failure can be reproduced.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(pieces.count))
        }
        for length in 0..<40 {
            for _ in 0..<20 {
                let text = (0..<length).map { _ in pieces[next()] }.joined()
                var expected = ""
                for character in text.unicodeScalars {
                    switch character {
                    case "&": expected += "&amp;"
                    case "<": expected += "&lt;"
                    case ">": expected += "&gt;"
                    case "\"": expected += "&quot;"
                    case "'": expected += "&#39;"
                    default: expected.unicodeScalars.append(character)
                    }
                }
                #expect(HTMLEscaping.escape(text) == expected)
            }
        }
    }

    @Test func builderEscapesTextAndAttributeValues() {
        var page = HTMLBuilder()
        page.element("a", [HTMLAttribute("href", "\"><script>")], text: "<b>")
        #expect(page.html == "<a href=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;</a>")
    }

    @Test func builderWritesBooleanAttributesWithoutValue() {
        var page = HTMLBuilder()
        page.void("input", [HTMLAttribute("name", "x"), .flag("required")])
        #expect(page.html == "<input name=\"x\" required>")
    }

    /// A text escaped once and written twice is what escaping it twice writes, wherever the
    /// page's storage has moved in between.
    @Test func repeatedTextIsTheEscapedTextAgain() {
        let address = "https://a.example/?x=1&y=<2>\"'é"
        var page = HTMLBuilder()
        page.raw("<a href=\"")
        let escaped = page.escapedText(address)
        page.raw("\">")
        for _ in 0..<1000 { page.raw("0123456789") }  // past the first storage
        page.repeatText(escaped)
        var expected = HTMLBuilder()
        expected.raw("<a href=\"")
        expected.text(address)
        expected.raw("\">")
        for _ in 0..<1000 { expected.raw("0123456789") }
        expected.text(address)
        #expect(page.html == expected.html)
        #expect(page.html.hasSuffix("0123456789https://a.example/?x=1&amp;y=&lt;2&gt;&quot;&#39;é"))
    }

    @Test(arguments: [
        "https://box.example:8443", "http://127.0.0.1:9/a?b=1&c='2'", "javascript:alert(1)", " https://x",
    ])
    func webLinkIsTheLinkElementOrText(address: String) {
        var link = HTMLBuilder()
        WebLink.render(address, into: &link)
        var expected = HTMLBuilder()
        if WebLink.isWebAddress(address) {
            expected.element("a", [HTMLAttribute("href", address)], text: address)
        } else {
            expected.text(address)
        }
        #expect(link.html == expected.html)
    }

    @Test func enterpriseCodeMaskShowsOnlyLastFourCharacters() {
        #expect(EnterpriseCodeMask.mask("M1234567890") == "••••7890")
    }

    @Test func enterpriseCodeMaskHidesShortCodesEntirely() {
        #expect(EnterpriseCodeMask.mask("M123") == "••••")
        #expect(!EnterpriseCodeMask.mask("M1234567").contains("M123"))
    }
}
