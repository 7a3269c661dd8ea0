import Testing

@testable import Views

@Suite struct HomepageViewTests {
    private func render(_ model: HomepageModel) -> String {
        ViewsFixtures.text(HomepageView.render(model))
    }

    @Test func showsTheBoxIdentity() {
        let html = render(ViewsFixtures.homepage())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<h1>iotbox-shop-1</h1>"))
        #expect(html.contains("192.168.1.10"))
        #expect(html.contains("b8:27:eb:12:34:56"))
        #expect(html.contains("0.1.0"))
        #expect(html.contains("name=\"viewport\""))
    }

    @Test func cogsButtonLinksToSettingsWithAnAccessibleName() {
        let html = render(ViewsFixtures.homepage())
        #expect(html.contains("<a class=\"cogs\" href=\"/settings\" aria-label=\"Settings\""))
    }

    @Test func missingCertificateSaysSoAndInvitesToConnect() {
        let html = render(ViewsFixtures.homepage())
        #expect(html.contains("badge-missing"))
        #expect(html.contains("no certificate yet"))
        #expect(html.contains("Not connected"))
        #expect(!html.contains("http-equiv=\"refresh\""))
    }

    /// The homepage has no form: without script it reloads itself; with script the banner is
    /// updated in place, so the refresh is inside `<noscript>`.
    @Test func checkingPageRefreshesItselfOnlyWithoutScriptAndSaysSo() {
        var model = ViewsFixtures.homepage(certificate: CertificateBannerModel(state: .checking))
        model.isChecking = true
        let html = render(model)
        #expect(html.contains("<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>"))
        #expect(ViewsFixtures.count(of: "http-equiv=\"refresh\"", in: html) == 1)
        #expect(html.contains("id=\"check-notice\"><span class=\"check-notice-text\">Checking the certificate…"))
        #expect(html.contains("<a class=\"check-notice-refresh\" href=\"/\">"))
        #expect(html.contains("<script src=\"/static/js/certificate-status.js\" defer></script>"))
        #expect(html.contains("id=\"certificate-banner\" data-state=\"checking\""))
    }

    @Test func validCertificateShowsSubjectAndDaysLeft() {
        let banner = CertificateBannerModel(
            state: .valid, subject: "*.abcd1234.odoo-iot.com", validFrom: "2026-11-01", validUntil: "2027-01-30",
            daysLeft: 65)
        let html = render(ViewsFixtures.homepage(certificate: banner))
        #expect(html.contains("badge-valid"))
        #expect(html.contains("*.abcd1234.odoo-iot.com"))
        #expect(html.contains("65 days left"))
        #expect(html.contains("2027-01-30"))
    }

    @Test func expiringCertificateWarnsWithDaysLeft() {
        let banner = CertificateBannerModel(state: .expiring, validUntil: "2026-12-01", daysLeft: 1)
        let html = render(ViewsFixtures.homepage(certificate: banner))
        #expect(html.contains("banner-expiring"))
        #expect(html.contains("Only 1 day left"))
    }

    @Test(arguments: [
        "ERR_IOT_HTTPS_CHECK_NO_SERVER", "ERR_IOT_HTTPS_CHECK_CERT_READ_EXCEPTION", "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL",
        "ERR_IOT_HTTPS_LOAD_REQUEST_EXCEPTION", "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404",
        "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT", "ERR_IOT_HTTPS_LOAD_INVALID_CERTIFICATE",
        "ERR_IOT_HTTPS_STORE_EXCEPTION",
    ])
    func errorBoxShowsCodeMeaningAndAdvice(code: String) {
        let error = ErrorBoxModel(
            displayCode: code, detail: "detail of \(code)", meaning: "meaning of \(code)",
            advice: ["first step", "second step"])
        let html = render(ViewsFixtures.homepage(certificate: CertificateBannerModel(state: .error), errorBox: error))
        #expect(html.contains("role=\"alert\""))
        #expect(html.contains("<code>\(code)</code>"))
        #expect(html.contains("meaning of \(code)"))
        #expect(html.contains("detail of \(code)"))
        #expect(html.contains("<li>first step</li><li>second step</li>"))
    }

    @Test func contractCodeWithMarkupIsEscaped() {
        let error = ErrorBoxModel(
            displayCode: "<script>alert(1)</script>", detail: "<img src=x>", meaning: "m", advice: ["<b>"])
        let html = render(ViewsFixtures.homepage(errorBox: error))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img src=x>"))
        #expect(html.contains("<li>&lt;b&gt;</li>"))
    }

    @Test func plainHTTPPageLinksProminentlyToTheHTTPSAddress() {
        var model = ViewsFixtures.homepage()
        model.httpsURL = "https://192-168-1-10.abcd1234.odoo-iot.com:8443"
        let html = render(model)
        #expect(html.contains("https-callout"))
        #expect(html.contains("<a class=\"button\" href=\"https://192-168-1-10.abcd1234.odoo-iot.com:8443\">"))
    }

    @Test func httpsLinkSaysWhatToDoWhenTheOdooIoTNameDoesNotOpen() {
        var model = ViewsFixtures.homepage()
        model.httpsURL = "https://192-168-1-10.abcd1234.odoo-iot.com:8443"
        let html = render(model)
        // The documentation's advice for a box reachable by IP but not by its odoo-iot.com name.
        #expect(html.contains("DNS_PROBE_FINISHED_NXDOMAIN"))
        #expect(html.contains("Google DNS"))
        #expect(html.contains("router"))
        #expect(html.contains("each device"))
        #expect(html.contains("network administrator"))
    }

    @Test func noDNSAdviceBeforeTheHTTPSAddressIsKnown() {
        let html = render(ViewsFixtures.homepage())
        #expect(!html.contains("Google DNS"))
    }

    @Test func securePageDoesNotRepeatTheHTTPSCallout() {
        var model = ViewsFixtures.homepage()
        model.httpsURL = "https://192-168-1-10.abcd1234.odoo-iot.com:8443"
        model.isSecure = true
        let html = render(model)
        #expect(!html.contains("https-callout"))
        #expect(html.contains("href=\"https://192-168-1-10.abcd1234.odoo-iot.com:8443\""))
    }

    /// `odoo.conf` may be edited by hand: whatever its `remote_server` says, only an http(s)
    /// address becomes a link, so a `javascript:` or `data:` value is shown, never clickable.
    @Test(arguments: [
        "javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)", "java\tscript:alert(1)", "//evil.example/", "httpx://shop.example",
    ])
    func serverAddressWithAnotherSchemeIsShownButNotLinked(_ address: String) {
        var model = ViewsFixtures.homepage()
        model.serverURL = address
        let html = render(model)
        #expect(!html.contains("href=\"\(HTMLEscaping.escape(address))\""))
        #expect(html.contains(HTMLEscaping.escape(address)))
    }

    @Test(arguments: ["https://shop.odoo.com", "HTTP://192.168.1.20:8069/odoo"])
    func serverAddressOverHTTPIsALink(_ address: String) {
        var model = ViewsFixtures.homepage()
        model.serverURL = address
        #expect(render(model).contains("<a href=\"\(address)\">\(address)</a>"))
    }

    @Test func sandboxModeListsEveryDemoDatabase() {
        var model = ViewsFixtures.homepage()
        model.sandbox = SandboxModel(
            caURL: "/sandbox/ca.pem",
            databases: [
                .init(
                    name: "Production demo", dbUUID: "11111111-1111-4111-8111-111111111111",
                    enterpriseCode: "PROD-CODE",
                    kind: "production", subscription: "in progress", hasIoTBoxLine: true, outcome: "gets a certificate"),
                .init(
                    name: "Staging demo", dbUUID: "22222222-2222-4222-8222-222222222222", enterpriseCode: "STAGE-CODE",
                    kind: "staging", subscription: "in progress", hasIoTBoxLine: false, outcome: "refused"),
            ])
        let html = render(model)
        #expect(html.contains("href=\"/sandbox/ca.pem\""))
        #expect(html.contains("11111111-1111-4111-8111-111111111111"))
        #expect(html.contains("STAGE-CODE"))
        #expect(html.contains("<td>staging</td>"))
        #expect(html.contains("<td>gets a certificate</td>"))
        #expect(html.contains("<td>no</td>"))
    }

    @Test func flashMessageIsShownOnce() {
        var model = ViewsFixtures.homepage()
        model.flash = .success("Credential saved.")
        let html = render(model)
        #expect(ViewsFixtures.count(of: "Credential saved.", in: html) == 1)
        #expect(html.contains("class=\"flash flash-success\" role=\"status\""))
    }

    @Test func pageUsesNoInlineStyleOrScript() {
        var model = ViewsFixtures.homepage(errorBox: ErrorBoxModel(displayCode: "X", meaning: "m"))
        model.isChecking = true
        let html = render(model)
        #expect(!html.contains("style="))
        #expect(!html.contains("<style"))
        // Scripts only from /static/, each element empty: nothing inline for CSP to allow.
        let scripts = ViewsFixtures.count(of: "<script", in: html)
        #expect(scripts == 1)
        #expect(
            ViewsFixtures.count(of: "<script src=\"/static/js/certificate-status.js\" defer></script>", in: html)
                == scripts)
        #expect(!html.contains("onclick") && !html.contains("javascript:"))
        #expect(html.contains("href=\"/static/css/homepage.css\""))
    }
}

@Suite struct HomepageNetworkCheckViewTests {
    private func model(dns: DNSCheckModel?, reachability: ReachabilityCheckModel?, secure: Bool = false)
        -> HomepageModel
    {
        HomepageModel(
            identifier: "box", ipAddress: "192.168.1.10", macAddress: "02:00:00:00:00:01", version: "0.1.0",
            httpsURL: reachability?.httpsURL,
            certificate: CertificateBannerModel(state: .valid), isSecure: secure, dnsCheck: dns,
            reachability: reachability)
    }

    private let https = ReachabilityCheckModel(
        httpsURL: "https://192-168-1-10.abcd1234.odoo-iot.com",
        pingURL: "https://192-168-1-10.abcd1234.odoo-iot.com/iot_drivers/ping")

    @Test func overHTTPThePageCarriesTheReachabilityCheckAndItsScript() {
        let html = String(decoding: HomepageView.render(model(dns: nil, reachability: https)), as: UTF8.self)
        #expect(html.contains("id=\"reachability\""))
        #expect(html.contains("data-ping-url=\"https://192-168-1-10.abcd1234.odoo-iot.com/iot_drivers/ping\""))
        #expect(html.contains("<script src=\"/static/js/reachability.js\" defer></script>"))
        #expect(html.contains("if it does not open, this device cannot reach it"))
    }

    @Test func aFailedDNSCheckIsSaidWithTheAdviceAnOKOneIsNot() {
        func dns(_ state: String, _ addresses: [String] = []) -> DNSCheckModel {
            DNSCheckModel(
                state: state, name: "192-168-1-10.abcd1234.odoo-iot.com", addresses: addresses,
                expectedAddress: "192.168.1.10", checkedAt: "2026-11-29 10:00:00 UTC")
        }
        let ok = String(
            decoding: HomepageView.render(model(dns: dns("ok", ["192.168.1.10"]), reachability: nil, secure: true)),
            as: UTF8.self)
        #expect(!ok.contains("id=\"dns-check\""))
        #expect(!ok.contains("Google DNS"))
        let mismatch = String(
            decoding: HomepageView.render(model(dns: dns("mismatch", ["10.0.0.9"]), reachability: nil, secure: true)),
            as: UTF8.self)
        #expect(mismatch.contains("id=\"dns-check\""))
        #expect(mismatch.contains("<code>10.0.0.9</code>, not to this box"))
        #expect(mismatch.contains("Google DNS"))
        let unresolved = String(
            decoding: HomepageView.render(model(dns: dns("unresolved"), reachability: nil, secure: true)), as: UTF8.self
        )
        #expect(unresolved.contains("the name does not resolve"))
        #expect(unresolved.contains("DNS_PROBE_FINISHED_NXDOMAIN"))
    }
}
