enum CertificateBannerView {
    /// With `checkNowToken`, the card ends with the "Check now" form (the settings page).
    static func render(
        _ banner: CertificateBannerModel, showsPeriod: Bool, checkNowToken: String? = nil, into page: inout HTMLBuilder
    ) {
        page.open(
            "section",
            [
                HTMLAttribute("class", "card banner banner-\(banner.state.rawValue)"),
                HTMLAttribute("aria-labelledby", "certificate-title"), HTMLAttribute("id", "certificate-banner"),
                HTMLAttribute("data-state", banner.state.rawValue),
                HTMLAttribute("data-shows-period", showsPeriod ? "yes" : "no"),
            ])
        page.raw("<h2 id=\"certificate-title\">HTTPS certificate</h2>")
        page.element("p", [HTMLAttribute("class", "banner-state")]) { page in
            page.element(
                "span", [HTMLAttribute("class", "badge badge-\(banner.state.rawValue)")], text: badge(banner.state))
            page.raw(" ")
            page.element("span", [HTMLAttribute("class", "banner-summary")]) { page in summary(banner, into: &page) }
        }
        var rows: [(String, String)] = []
        rows.reserveCapacity(5)
        if let subject = banner.subject { rows.append(("Subject", subject)) }
        if showsPeriod, let from = banner.validFrom { rows.append(("Valid from", from)) }
        if let until = banner.validUntil { rows.append(("Valid until", until)) }
        if let lastCheck = banner.lastCheck { rows.append(("Last check", lastCheck)) }
        if let nextRetry = banner.nextRetry { rows.append(("Next try", nextRetry)) }
        DefinitionList.render(rows, into: &page)
        if let checkNowToken {
            FormField.openForm(action: "/certificate/check", csrfToken: checkNowToken, into: &page)
            page.raw("<p class=\"card-actions\">")
            FormField.submit("Check now", into: &page)
            page.raw("</p></form>")
        }
        page.close("section")
    }

    static func badge(_ state: CertificateBannerModel.State) -> String {
        switch state {
        case .valid: return "Valid"
        case .expiring: return "Expiring"
        case .missing: return "Missing"
        case .checking: return "Checking"
        case .error: return "Error"
        }
    }

    static func summary(_ banner: CertificateBannerModel, into page: inout HTMLBuilder) {
        switch banner.state {
        case .valid:
            page.raw("The box serves its pages over HTTPS.")
            if let days = banner.daysLeft {
                page.raw(" ")
                page.text(daysText(days))
                page.raw(" left.")
            }
        case .expiring:
            if let days = banner.daysLeft {
                page.raw("Only ")
                page.text(daysText(days))
                page.raw(" left; ")
            }
            page.raw("the box renews the certificate automatically.")
        case .missing:
            page.raw("The box has no certificate yet. Enter the credentials in the settings to obtain one.")
        case .checking:
            page.raw("Checking the certificate…")
        case .error:
            page.raw("The box could not obtain a certificate: the error box on this page says why and what to do.")
        }
    }

    private static func daysText(_ days: Int) -> String {
        days == 1 ? "1 day" : "\(days) days"
    }
}

/// A `<dl>` of label/value pairs, the layout of every fact list on the pages.
enum DefinitionList {
    static func render(_ rows: [(String, String)], into page: inout HTMLBuilder) {
        guard !rows.isEmpty else { return }
        page.open("dl", [HTMLAttribute("class", "facts")])
        for (label, value) in rows {
            page.element("dt", text: label)
            page.element("dd", text: value)
        }
        page.close("dl")
    }
}
