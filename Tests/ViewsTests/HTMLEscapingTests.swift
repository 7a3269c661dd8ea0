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
