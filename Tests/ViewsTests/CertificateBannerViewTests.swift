import Testing

@testable import Views

/// The banner is written from literals per state (its classes, badge and data attribute) and
/// its facts straight into the page: these check that it says what the state's raw value and
/// the model's values say.
@Suite struct CertificateBannerViewTests {
    private func render(_ banner: CertificateBannerModel, showsPeriod: Bool = true) -> String {
        var page = HTMLBuilder()
        CertificateBannerView.render(banner, showsPeriod: showsPeriod, into: &page)
        return page.html
    }

    private func text(_ literal: StaticString) -> String { literal.description }

    @Test(arguments: CertificateBannerModel.State.allCases)
    func stateLiteralsAreNamedAfterTheRawValue(state: CertificateBannerModel.State) {
        #expect(text(CertificateBannerView.name(state)) == state.rawValue)
        #expect(text(CertificateBannerView.sectionClass(state)) == "card banner banner-\(state.rawValue)")
        #expect(text(CertificateBannerView.badgeClass(state)) == "badge badge-\(state.rawValue)")
        let html = render(CertificateBannerModel(state: state))
        #expect(
            html.hasPrefix(
                "<section class=\"card banner banner-\(state.rawValue)\" aria-labelledby=\"certificate-title\" "
                    + "id=\"certificate-banner\" data-state=\"\(state.rawValue)\" data-shows-period=\"yes\">"))
        #expect(html.contains("<span class=\"badge badge-\(state.rawValue)\">"))
    }

    @Test func factsAreEscapedRowsInOrderAndOnlyThoseWithAValue() {
        let banner = CertificateBannerModel(
            state: .valid, subject: "<b>&'\"", validFrom: "from", validUntil: "until", daysLeft: 12,
            lastCheck: "checked", nextRetry: nil)
        #expect(
            render(banner).contains(
                "<dl class=\"facts\"><dt>Subject</dt><dd>&lt;b&gt;&amp;&#39;&quot;</dd><dt>Valid from</dt><dd>from</dd>"
                    + "<dt>Valid until</dt><dd>until</dd><dt>Last check</dt><dd>checked</dd></dl></section>"))
        #expect(!render(banner, showsPeriod: false).contains("Valid from"))
        #expect(render(banner, showsPeriod: false).contains("data-shows-period=\"no\""))
    }

    @Test func bannerWithoutFactsHasNoList() {
        #expect(!render(CertificateBannerModel(state: .missing)).contains("<dl"))
    }

    @Test(arguments: [(0, "0 days"), (1, "1 day"), (2, "2 days"), (89, "89 days"), (1234, "1234 days")])
    func daysLeftAreWrittenInDecimal(days: Int, expected: String) {
        #expect(render(CertificateBannerModel(state: .valid, daysLeft: days)).contains(" \(expected) left."))
        #expect(render(CertificateBannerModel(state: .expiring, daysLeft: days)).contains("Only \(expected) left;"))
    }

    @Test(arguments: [0, 7, 10, -1, -305, 1_000_000, Int.max, Int.min])
    func decimalMatchesTheStandardLibrary(value: Int) {
        var page = HTMLBuilder()
        page.decimal(value)
        #expect(page.html == String(value))
    }

    @Test func literalAttributeValueIsWrittenAsTheEscapedFormWouldBe() {
        var literal = HTMLBuilder()
        literal.void("p", [HTMLAttribute("class", literal: "a b-c"), .flag("hidden")])
        var escaped = HTMLBuilder()
        escaped.void("p", [HTMLAttribute("class", "a b-c"), .flag("hidden")])
        #expect(literal.html == escaped.html)
        #expect(HTMLEscaping.needsNoEscaping("plain text: 1/2 = 0.5"))
        for special: StaticString in ["&", "<", ">", "\"", "'", "a'b"] {
            #expect(!HTMLEscaping.needsNoEscaping(special))
        }
    }
}
