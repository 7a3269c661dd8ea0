enum CertificateBannerView {
    /// With `checkNowToken`, the card ends with the "Check now" form (the settings page).
    ///
    /// Every page view writes the banner, so what depends only on the state (its classes, its
    /// badge) is written from literals, and the facts go straight into the page: no string is
    /// built or escaped for them.
    static func render(
        _ banner: CertificateBannerModel, showsPeriod: Bool, checkNowToken: String? = nil, into page: inout HTMLBuilder
    ) {
        let state = banner.state
        page.raw("<section class=\"")
        page.raw(sectionClass(state))
        page.raw("\" aria-labelledby=\"certificate-title\" id=\"certificate-banner\" data-state=\"")
        page.raw(name(state))
        page.raw(showsPeriod ? "\" data-shows-period=\"yes\">" : "\" data-shows-period=\"no\">")
        page.raw("<h2 id=\"certificate-title\">HTTPS certificate</h2><p class=\"banner-state\"><span class=\"")
        page.raw(badgeClass(state))
        page.raw("\">")
        page.raw(badge(state))
        page.raw("</span> <span class=\"banner-summary\">")
        summary(banner, into: &page)
        page.raw("</span></p>")
        var facts = DefinitionList()
        facts.row("Subject", banner.subject, into: &page)
        if showsPeriod { facts.row("Valid from", banner.validFrom, into: &page) }
        facts.row("Valid until", banner.validUntil, into: &page)
        facts.row("Last check", banner.lastCheck, into: &page)
        facts.row("Next try", banner.nextRetry, into: &page)
        facts.end(into: &page)
        if let checkNowToken {
            FormField.openForm(action: "/certificate/check", csrfToken: checkNowToken, into: &page)
            page.raw("<p class=\"card-actions\">")
            FormField.submit("Check now", into: &page)
            page.raw("</p></form>")
        }
        page.close("section")
    }

    /// The state's name, its raw value (`valid`, `expiring`, ...), as a literal.
    static func name(_ state: CertificateBannerModel.State) -> StaticString {
        switch state {
        case .valid: return "valid"
        case .expiring: return "expiring"
        case .missing: return "missing"
        case .checking: return "checking"
        case .error: return "error"
        }
    }

    /// `card banner banner-` + the state's name.
    static func sectionClass(_ state: CertificateBannerModel.State) -> StaticString {
        switch state {
        case .valid: return "card banner banner-valid"
        case .expiring: return "card banner banner-expiring"
        case .missing: return "card banner banner-missing"
        case .checking: return "card banner banner-checking"
        case .error: return "card banner banner-error"
        }
    }

    /// `badge badge-` + the state's name.
    static func badgeClass(_ state: CertificateBannerModel.State) -> StaticString {
        switch state {
        case .valid: return "badge badge-valid"
        case .expiring: return "badge badge-expiring"
        case .missing: return "badge badge-missing"
        case .checking: return "badge badge-checking"
        case .error: return "badge badge-error"
        }
    }

    static func badge(_ state: CertificateBannerModel.State) -> StaticString {
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
                writeDays(days, into: &page)
                page.raw(" left.")
            }
        case .expiring:
            if let days = banner.daysLeft {
                page.raw("Only ")
                writeDays(days, into: &page)
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

    /// `1 day`, `12 days`.
    private static func writeDays(_ days: Int, into page: inout HTMLBuilder) {
        page.decimal(days)
        page.raw(days == 1 ? " day" : " days")
    }
}

/// A `<dl>` of label/value pairs, the layout of every fact list on the pages, written row by
/// row: the first row opens it, so a list without rows writes nothing.
struct DefinitionList: ~Copyable {
    private var isOpen = false

    /// A row, when there is a value.
    mutating func row(_ label: StaticString, _ value: String?, into page: inout HTMLBuilder) {
        guard let value else { return }
        if !isOpen {
            page.raw("<dl class=\"facts\">")
            isOpen = true
        }
        page.raw("<dt>")
        page.raw(label)
        page.raw("</dt>")
        page.element("dd", text: value)
    }

    consuming func end(into page: inout HTMLBuilder) {
        if isOpen { page.close("dl") }
    }
}
