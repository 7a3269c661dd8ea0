import Testing

@testable import Views

@Suite struct SettingsViewTests {
    private func render(_ model: SettingsModel) -> String {
        ViewsFixtures.text(SettingsView.render(model))
    }

    @Test func everyFormCarriesTheCSRFToken() {
        var model = ViewsFixtures.settings()
        model.dbUUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
        let html = render(model)
        let forms = ViewsFixtures.count(of: "<form ", in: html)
        #expect(forms == 5)
        #expect(
            ViewsFixtures.count(of: "<input type=\"hidden\" name=\"csrf_token\" value=\"token-abc\">", in: html)
                == forms)
    }

    @Test func formsPostToTheContractRoutes() {
        var model = ViewsFixtures.settings()
        model.storedEnterpriseCode = "M1234567890"
        let html = render(model)
        for action in [
            "/certificate/check", "/settings/server", "/settings/credential", "/settings/credential/clear",
            "/settings/log-level",
        ] {
            #expect(html.contains("<form method=\"post\" action=\"\(action)\">"))
        }
        #expect(html.contains("href=\"/logs\""))
        #expect(html.contains("href=\"/logs/download\""))
    }

    @Test func clearFormIsOfferedOnlyWhenACredentialIsStored() {
        #expect(!render(ViewsFixtures.settings()).contains("/settings/credential/clear"))
    }

    @Test func bannerShowsTheValidityPeriod() {
        let banner = CertificateBannerModel(
            state: .valid, subject: "*.abcd1234.odoo-iot.com", validFrom: "2026-11-01 00:00 UTC",
            validUntil: "2027-01-30 00:00 UTC", daysLeft: 65)
        let html = render(ViewsFixtures.settings(certificate: banner))
        #expect(html.contains("<dt>Valid from</dt><dd>2026-11-01 00:00 UTC</dd>"))
        #expect(html.contains("<dt>Valid until</dt><dd>2027-01-30 00:00 UTC</dd>"))
    }

    @Test func fieldsAreLabelledAndShowStoredValues() {
        var model = ViewsFixtures.settings()
        model.serverURL = "https://mycompany.odoo.com"
        model.dbUUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
        let html = render(model)
        #expect(html.contains("<label for=\"field-server_url\">"))
        #expect(html.contains("id=\"field-server_url\" name=\"server_url\" value=\"https://mycompany.odoo.com\""))
        #expect(html.contains("<label for=\"field-db_uuid\">"))
        #expect(html.contains("name=\"db_uuid\" value=\"0f8fad5b-d9cb-469f-a165-70867728950e\""))
        #expect(html.contains("<label for=\"field-enterprise_code\">"))
        #expect(html.contains("<label for=\"field-level\">"))
    }

    @Test func storedEnterpriseCodeIsNeverSentInFull() {
        var model = ViewsFixtures.settings()
        model.storedEnterpriseCode = "M1234567890"
        let html = render(model)
        #expect(!html.contains("M1234567890"))
        #expect(html.contains("••••7890"))
        #expect(html.contains("name=\"enterprise_code\" value=\"\""))
    }

    @Test func fieldErrorsAreTiedToTheirFieldsAndKeepTypedValues() {
        var model = ViewsFixtures.settings()
        model.dbUUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
        model.fieldErrors = ["db_uuid": "Enter the UUID as 8-4-4-4-12 hexadecimal digits."]
        model.enteredValues = ["db_uuid": "not-a-uuid", "enterprise_code": "M99"]
        let html = render(model)
        #expect(html.contains("name=\"db_uuid\" value=\"not-a-uuid\" aria-describedby=\"field-db_uuid-error"))
        #expect(html.contains("aria-invalid=\"true\""))
        #expect(
            html.contains(
                "<p id=\"field-db_uuid-error\" class=\"field-error\">Enter the UUID as 8-4-4-4-12 hexadecimal digits.</p>"
            ))
        #expect(html.contains("name=\"enterprise_code\" value=\"M99\""))
        #expect(ViewsFixtures.count(of: "aria-invalid", in: html) == 1)
    }

    @Test func typedValuesAreEscaped() {
        var model = ViewsFixtures.settings()
        model.enteredValues = ["server_url": "\"><script>alert(1)</script>"]
        model.fieldErrors = ["server_url": "<b>bad</b>"]
        let html = render(model)
        #expect(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
        #expect(html.contains("&lt;b&gt;bad&lt;/b&gt;"))
        #expect(!html.contains("<script"))
    }

    @Test func currentLogLevelIsSelected() {
        var model = ViewsFixtures.settings()
        model.logLevel = "error"
        let html = render(model)
        #expect(html.contains("<option value=\"error\" selected>error</option>"))
        #expect(html.contains("<option value=\"debug\">debug</option>"))
        #expect(ViewsFixtures.count(of: " selected>", in: html) == 1)
    }

    @Test func failureFlashIsAnAlert() {
        var model = ViewsFixtures.settings()
        model.flash = .failure("Nothing was saved.")
        #expect(render(model).contains("class=\"flash flash-failure\" role=\"alert\">Nothing was saved.</p>"))
    }

    @Test func headingsGoFromH1ToH2() {
        let html = render(ViewsFixtures.settings())
        #expect(ViewsFixtures.count(of: "<h1", in: html) == 1)
        #expect(html.firstRange(of: "<h1")!.lowerBound < html.firstRange(of: "<h2")!.lowerBound)
    }

    /// A reload over the forms would wipe what a person types and use up the one-time message:
    /// while a check runs the page says so, offers a refresh link, and lets the script update
    /// the banner in place.
    @Test func whileCheckingThePageNeverReloadsItself() {
        var model = ViewsFixtures.settings(certificate: CertificateBannerModel(state: .checking))
        model.isChecking = true
        let html = render(model)
        #expect(!html.contains("http-equiv=\"refresh\""))
        #expect(html.contains("id=\"check-notice\""))
        #expect(html.contains("<a class=\"check-notice-refresh\" href=\"/settings\">Refresh to see the result</a>"))
        #expect(html.contains("<script src=\"/static/js/certificate-status.js\" defer></script>"))
        #expect(html.contains("data-state=\"checking\" data-shows-period=\"yes\""))
        #expect(html.contains("<span class=\"banner-summary\">Checking the certificate…</span>"))
    }

    @Test func withoutACheckThereIsNoNoticeAndNoScript() {
        let html = render(ViewsFixtures.settings())
        #expect(!html.contains("check-notice"))
        #expect(!html.contains("certificate-status.js"))
        #expect(!html.contains("http-equiv=\"refresh\""))
    }
}
