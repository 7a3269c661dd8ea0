/// The settings ("cogs") page: certificate, Odoo server, credential, log level, logs.
public enum SettingsView {
    public static func render(_ model: SettingsModel) -> [UInt8] {
        PageLayout.render(
            title: "Settings · IoT Box", showsSettingsLink: false
        ) { page in
            page.raw("<p class=\"back\"><a href=\"/\">← Homepage</a></p>")
            page.raw("<h1>Settings</h1>")
            FlashMessageView.render(model.flash, into: &page)
            if model.isChecking {
                // Never a reload over the forms: it would wipe what a person is typing and use up
                // the one-time message of the form just sent.
                CheckingNoticeView.render(pagePath: "/settings", reloadsWithoutScript: false, into: &page)
            }
            CertificateBannerView.render(
                model.certificate, showsPeriod: true, checkNowToken: model.csrfToken, into: &page)
            ErrorBoxView.render(model.errorBox, into: &page)
            renderServerForm(model, into: &page)
            renderCredentialForms(model, into: &page)
            renderLogLevelForm(model, into: &page)
            page.raw("<section class=\"card\" aria-labelledby=\"logs-title\"><h2 id=\"logs-title\">Logs</h2>")
            page.raw("<p class=\"links\"><a href=\"/logs\">View recent logs</a>")
            page.raw(" <a href=\"/logs/download\">Download the log file</a></p></section>")
        }
    }

    /// What a field shows: what the person typed after a rejection, else the stored value.
    private static func value(_ field: String, in model: SettingsModel, stored: String?) -> String {
        model.enteredValues[field] ?? stored ?? ""
    }

    private static func renderServerForm(_ model: SettingsModel, into page: inout HTMLBuilder) {
        page.raw("<section class=\"card\" aria-labelledby=\"server-title\"><h2 id=\"server-title\">Odoo server</h2>")
        FormField.openForm(action: "/settings/server", csrfToken: model.csrfToken, into: &page)
        FormField.input(
            FormField.Spec(
                name: "server_url", label: "Odoo database URL",
                value: value("server_url", in: model, stored: model.serverURL),
                hint: "For example https://mycompany.odoo.com", error: model.fieldErrors["server_url"],
                inputType: "url",
                extraAttributes: [
                    .flag("required"), HTMLAttribute("autocomplete", "url"), HTMLAttribute("inputmode", "url"),
                ]),
            into: &page)
        FormField.submit("Save server", into: &page)
        page.raw("</form></section>")
    }

    private static func renderCredentialForms(_ model: SettingsModel, into page: inout HTMLBuilder) {
        page.raw(
            "<section class=\"card\" aria-labelledby=\"credential-title\"><h2 id=\"credential-title\">Credential</h2>")
        page.raw("<p>The database UUID and the enterprise (subscription) code let the box obtain its HTTPS ")
        page.raw("certificate. Saving them starts a certificate request at once, unless the current certificate ")
        page.raw("is still valid.</p>")
        if let stored = model.storedEnterpriseCode, !stored.isEmpty {
            page.element("p", [HTMLAttribute("class", "stored-code")]) { page in
                page.raw("Stored enterprise code: ")
                page.element("code", text: EnterpriseCodeMask.mask(stored))
            }
        }
        FormField.openForm(action: "/settings/credential", csrfToken: model.csrfToken, into: &page)
        FormField.input(
            FormField.Spec(
                name: "db_uuid", label: "Database UUID", value: value("db_uuid", in: model, stored: model.dbUUID),
                hint: "Shown in Odoo under Settings › About, like 0f8fad5b-d9cb-469f-a165-70867728950e",
                error: model.fieldErrors["db_uuid"],
                extraAttributes: [
                    .flag("required"), HTMLAttribute("autocomplete", "off"), HTMLAttribute("spellcheck", "false"),
                ]),
            into: &page)
        // The stored code is never sent back to the browser: only what was just typed is kept.
        FormField.input(
            FormField.Spec(
                name: "enterprise_code", label: "Enterprise code", value: model.enteredValues["enterprise_code"] ?? "",
                hint: model.storedEnterpriseCode == nil
                    ? nil : "A code is stored; type the whole new code to replace it.",
                error: model.fieldErrors["enterprise_code"],
                extraAttributes: [
                    .flag("required"), HTMLAttribute("autocomplete", "off"), HTMLAttribute("spellcheck", "false"),
                ]),
            into: &page)
        FormField.submit("Save credential", into: &page)
        page.raw("</form>")
        if model.dbUUID != nil || model.storedEnterpriseCode != nil {
            FormField.openForm(action: "/settings/credential/clear", csrfToken: model.csrfToken, into: &page)
            FormField.submit("Clear credential", secondary: true, into: &page)
            page.raw("</form>")
        }
        page.raw("</section>")
    }

    private static func renderLogLevelForm(_ model: SettingsModel, into page: inout HTMLBuilder) {
        page.raw("<section class=\"card\" aria-labelledby=\"level-title\"><h2 id=\"level-title\">Log level</h2>")
        FormField.openForm(action: "/settings/log-level", csrfToken: model.csrfToken, into: &page)
        FormField.select(
            FormField.Spec(
                name: "level", label: "Record messages from level",
                value: value("level", in: model, stored: model.logLevel),
                hint: "debug records the most; error the least.", error: model.fieldErrors["level"]),
            options: model.logLevels, into: &page)
        FormField.submit("Save level", into: &page)
        page.raw("</form></section>")
    }
}
