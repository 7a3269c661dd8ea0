/// The homepage: the box's identity, its certificate, and what to do about an error.
public enum HomepageView {
    /// Seconds between reloads while a check runs; short, because a check is bounded to a few seconds.
    static let checkingRefreshSeconds = 2

    public static func render(_ model: HomepageModel) -> [UInt8] {
        var page = PageLayout.start(
            title: model.identifier, titleSuffix: " · IoT Box",
            refreshSecondsWithoutScript: model.isChecking ? checkingRefreshSeconds : nil)
        page.element("h1", text: model.identifier)
        FlashMessageView.render(model.flash, into: &page)
        if model.isChecking {
            // The homepage has no form: without script it may reload itself.
            CheckingNoticeView.render(pagePath: "/", reloadsWithoutScript: true, into: &page)
        }
        if !model.isSecure, let httpsURL = model.httpsURL {
            // The address is the button's target and the text beside it: escaped once.
            page.raw("<p class=\"https-callout\"><a class=\"button\" href=\"")
            let escapedURL = page.escapedText(httpsURL)
            page.raw("\">Open the secure page (HTTPS)</a> <span class=\"https-url\">")
            page.repeatText(escapedURL)
            page.raw("</span></p>")
            renderReachability(model.reachability, into: &page)
        }
        renderDNSCheck(model.dnsCheck, into: &page)
        if (!model.isSecure && model.httpsURL != nil) || model.dnsCheck.map({ !$0.isOK }) == true {
            renderDNSAdvice(into: &page)
        }
        ErrorBoxView.render(model.errorBox, into: &page)
        renderBoxCard(model, into: &page)
        CertificateBannerView.render(model.certificate, showsPeriod: true, into: &page)
        renderSandbox(model.sandbox, into: &page)
        return PageLayout.finish(page)
    }

    /// Odoo's documentation for a box that opens by IP but not by its odoo-iot.com name: the
    /// name is public DNS, which some routers do not resolve. Shown beside the link because a
    /// person who clicks it and gets a DNS error comes back to this page.
    private static func renderDNSAdvice(into page: inout HTMLBuilder) {
        page.raw("<p class=\"https-help\">If this address does not open (the browser may say ")
        page.raw("<code>DNS_PROBE_FINISHED_NXDOMAIN</code>), the network does not resolve odoo-iot.com names: ")
        page.raw("if the router allows it, set its DNS to Google DNS (8.8.8.8); otherwise set it on each device ")
        page.raw("that uses this box. Payment terminals usually need no change. This is a task for your system or ")
        page.raw("network administrator; it is beyond Odoo support.</p>")
    }

    /// The page's script (`/static/js/reachability.js`) fetches the ping URL over HTTPS and
    /// replaces this paragraph's text with what it found; without the script the text says how
    /// to tell by hand.
    private static func renderReachability(_ reachability: ReachabilityCheckModel?, into page: inout HTMLBuilder) {
        guard let reachability else { return }
        // Fixed markup as literals, the two addresses escaped into their attributes.
        page.raw("<p id=\"reachability\" class=\"reachability\" role=\"status\" data-ping-url=\"")
        page.text(reachability.pingURL)
        page.raw("\" data-https-url=\"")
        page.text(reachability.httpsURL)
        page.raw("\">Does this device reach the secure address? Open the link above: if it does not open, ")
        page.raw("this device cannot reach it, and the advice below says what to change.</p>")
        page.raw("<script src=\"/static/js/reachability.js\" defer></script>")
    }

    /// The box's own lookup of its HTTPS name; said only when something is wrong.
    private static func renderDNSCheck(_ check: DNSCheckModel?, into page: inout HTMLBuilder) {
        guard let check, !check.isOK else { return }
        // Written without `element`'s closure, which would be given a copy of the model.
        page.raw("<section class=\"card dns-check\" id=\"dns-check\"><h2>The box's DNS check</h2><p>")
        page.raw("The box looked up its secure address ")
        page.element("code", text: check.name)
        page.raw(" on this network's DNS at ")
        page.text(check.checkedAt)
        page.raw(": ")
        switch check.state {
        case "mismatch":
            page.raw("it resolves to ")
            page.element("code", text: check.addresses.joined(separator: ", "))
            page.raw(", not to this box (")
            page.element("code", text: check.expectedAddress)
            page.raw("). ")
        case "unresolved":
            page.raw("the name does not resolve (a router's DNS-rebinding protection often hides such names). ")
        default:
            page.raw("the DNS server gave no usable answer. ")
        }
        page.raw("Devices using this DNS cannot open the box by its secure address.")
        page.raw("</p></section>")
    }

    private static func renderBoxCard(_ model: HomepageModel, into page: inout HTMLBuilder) {
        page.raw("<section class=\"card\" aria-labelledby=\"box-title\"><h2 id=\"box-title\">This box</h2>")
        page.raw("<dl class=\"facts\"><dt>Name</dt><dd>")
        page.text(model.identifier)
        page.raw("</dd><dt>IP address</dt><dd>")
        page.text(model.ipAddress)
        page.raw("</dd><dt>MAC address</dt><dd>")
        page.text(model.macAddress)
        page.raw("</dd><dt>Version</dt><dd>")
        page.text(model.version)
        page.raw("</dd>")
        // Written without `element`'s closure, which would be given a copy of the whole model.
        page.raw("<dt>Odoo server</dt><dd>")
        if let serverURL = model.serverURL {
            WebLink.render(serverURL, into: &page)
        } else {
            page.raw("Not connected · <a href=\"/settings#server-title\">Connect</a>")
        }
        page.raw("</dd><dt>HTTPS address</dt><dd>")
        if let httpsURL = model.httpsURL {
            WebLink.render(httpsURL, into: &page)
        } else {
            page.raw("Not yet known")
        }
        page.raw("</dd>")
        page.close("dl")
        page.raw("</section>")
    }

    private static func renderSandbox(_ sandbox: SandboxModel?, into page: inout HTMLBuilder) {
        guard let sandbox else { return }
        page.raw("<section class=\"card sandbox\" aria-labelledby=\"sandbox-title\">")
        page.raw("<h2 id=\"sandbox-title\">Sandbox certificate service</h2>")
        page.element("p") { page in
            page.raw("This box uses a local stand-in for Odoo's certificate service. Enter one of these ")
            page.raw("credentials in the <a href=\"/settings#credential-title\">settings</a> to try its outcome. ")
            page.raw("Browsers trust the issued certificates once they trust the ")
            page.element("a", [HTMLAttribute("href", sandbox.caURL)], text: "sandbox CA certificate")
            page.raw(".")
        }
        page.raw("<div class=\"table-scroll\"><table><caption>Demo databases</caption><thead><tr>")
        page.raw("<th scope=\"col\">Database</th><th scope=\"col\">db_uuid</th><th scope=\"col\">enterprise_code</th>")
        page.raw("<th scope=\"col\">Kind</th><th scope=\"col\">Subscription</th><th scope=\"col\">IoT box line</th>")
        page.raw("<th scope=\"col\">Outcome</th></tr></thead><tbody>")
        for database in sandbox.databases {
            page.raw("<tr>")
            page.element("th", [HTMLAttribute("scope", "row")], text: database.name)
            page.element("td") { page in page.element("code", text: database.dbUUID) }
            page.element("td") { page in page.element("code", text: database.enterpriseCode) }
            page.element("td", text: database.kind)
            page.element("td", text: database.subscription)
            page.element("td", text: database.hasIoTBoxLine ? "yes" : "no")
            page.element("td", text: database.outcome)
            page.raw("</tr>")
        }
        page.raw("</tbody></table></div></section>")
    }
}
