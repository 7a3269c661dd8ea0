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

    @Test func enterpriseCodeMaskShowsOnlyLastFourCharacters() {
        #expect(EnterpriseCodeMask.mask("M1234567890") == "••••7890")
    }

    @Test func enterpriseCodeMaskHidesShortCodesEntirely() {
        #expect(EnterpriseCodeMask.mask("M123") == "••••")
        #expect(!EnterpriseCodeMask.mask("M1234567").contains("M123"))
    }
}
