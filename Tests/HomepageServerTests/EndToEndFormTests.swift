import Foundation
import TestSupport
import Testing

/// The settings forms, submitted as a browser would: each answers 303 to /settings, the change
/// shows in /status.json and odoo.conf, and its message appears once.
@Suite struct EndToEndFormTests {
    /// A sandbox database of `kind` from /status.json: (db_uuid, enterprise_code).
    static func credential(of box: EndToEndBox, named name: String) throws -> (uuid: String, code: String) {
        let databases = try #require(try box.client.status().object("sandbox")?["databases"] as? [[String: Any]])
        let database = try #require(databases.first { $0.string("name") == name })
        return (try #require(database.string("db_uuid")), try #require(database.string("enterprise_code")))
    }

    /// Expects a form's answer to be a redirect to /settings that sets the flash cookie, and
    /// returns that cookie.
    static func expectRedirect(_ response: EndToEndResponse, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        #expect(response.status == 303, sourceLocation: sourceLocation)
        #expect(response.header("Location") == "/settings", sourceLocation: sourceLocation)
        return try #require(response.flashCookie, sourceLocation: sourceLocation)
    }

    /// Expects `message` on the first visit with `cookie` and no message on the second.
    static func expectFlashOnce(
        _ message: String, box: EndToEndBox, cookie: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let first = try box.client.get("/settings", cookie: cookie)
        #expect(first.text.contains(message), sourceLocation: sourceLocation)
        #expect(first.text.contains("class=\"flash "), sourceLocation: sourceLocation)
        #expect(
            first.headers.values(for: "Set-Cookie").contains {
                $0.hasPrefix("box_flash=;") && $0.contains("Max-Age=0")
            },
            "the page clears the flash cookie", sourceLocation: sourceLocation)
        let second = try box.client.get("/settings", cookie: cookie)
        #expect(!second.text.contains(message), sourceLocation: sourceLocation)
        #expect(!second.text.contains("class=\"flash "), sourceLocation: sourceLocation)
    }

    static func errorCode(_ status: [String: Any]) -> String? {
        status.object("certificate")?.object("error")?.string("code")
    }

    @Test func serverFormSavesTheURLAndShowsItsMessageOnce() throws {
        let box = try EndToEndBox()
        let url = "http://127.0.0.1:9/shop"
        let cookie = try Self.expectRedirect(try box.client.submit("/settings/server", [("server_url", url)]))
        #expect(try box.client.status().string("server_url") == url)
        #expect(box.odooConfText.contains("[iot.box]"))
        #expect(box.odooConfText.contains("remote_server = \(url)"))
        try Self.expectFlashOnce("Odoo server saved: \(url).", box: box, cookie: cookie)
    }

    @Test func credentialFormSavesBothFieldsAndRequestsACertificate() throws {
        let box = try EndToEndBox()
        // The check at start may still be running when the first status is read.
        try box.waitForStatus("the check at start") { Self.errorCode($0) == "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL" }
        let staging = try Self.credential(of: box, named: "demo-staging")
        let cookie = try Self.expectRedirect(
            try box.client.submit(
                "/settings/credential", [("db_uuid", staging.uuid), ("enterprise_code", staging.code)]))
        #expect(box.odooConfText.contains("db_uuid = \(staging.uuid)"))
        #expect(box.odooConfText.contains("enterprise_code = \(staging.code)"))
        try box.waitForStatus("the sandbox's refusal") {
            Self.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"
        }
        try Self.expectFlashOnce("Credentials saved", box: box, cookie: cookie)
    }

    @Test func newCredentialWhileTheCertificateIsValidDoesNotClaimARequest() throws {
        let box = try EndToEndBox()
        let production = try Self.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", production.uuid), ("enterprise_code", production.code)])
        try box.waitForStatus("the first certificate") { $0.object("certificate")?.string("state") == "valid" }

        // A valid certificate is kept until it is due (no request at all), so the message
        // must not say one is being requested.
        let staging = try Self.credential(of: box, named: "demo-staging")
        let cookie = try Self.expectRedirect(
            try box.client.submit(
                "/settings/credential", [("db_uuid", staging.uuid), ("enterprise_code", staging.code)]))
        let page = try box.client.get("/settings", cookie: cookie).text
        #expect(page.contains("Credentials saved"))
        #expect(!page.contains("asking for a certificate"))
        #expect(page.contains("current certificate stays in use"))
        #expect(try box.client.status().object("certificate")?.string("state") == "valid")
    }

    @Test func clearFormRemovesTheCredential() throws {
        let box = try EndToEndBox()
        let staging = try Self.credential(of: box, named: "demo-staging")
        _ = try Self.expectRedirect(
            try box.client.submit(
                "/settings/credential", [("db_uuid", staging.uuid), ("enterprise_code", staging.code)]))
        try box.waitForStatus("the sandbox's refusal") {
            Self.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"
        }

        let cookie = try Self.expectRedirect(try box.client.submit("/settings/credential/clear"))
        #expect(!box.odooConfText.contains("db_uuid"))
        #expect(!box.odooConfText.contains("enterprise_code"))
        try box.waitForStatus("the missing credential") { Self.errorCode($0) == "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL" }
        try Self.expectFlashOnce("Credentials removed.", box: box, cookie: cookie)
        #expect(!(try box.client.get("/settings").text.contains(staging.uuid)))
    }

    @Test func checkNowRunsACheckDespiteTheBackOff() throws {
        let box = try EndToEndBox()
        let staging = try Self.credential(of: box, named: "demo-staging")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", staging.uuid), ("enterprise_code", staging.code)])
        let failed = try box.waitForStatus("a retry time after the refusal") {
            Self.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"
                && $0.object("certificate")?.string("next_retry") != nil
        }
        let firstRetry = try #require(failed.object("certificate")?.string("next_retry"))

        let cookie = try Self.expectRedirect(try box.client.submit("/certificate/check"))
        // A second failure in a row backs off longer, so the next try moves later.
        let again = try box.waitForStatus("the back-off to grow") {
            guard let retry = $0.object("certificate")?.string("next_retry") else { return false }
            return retry > firstRetry
        }
        #expect(Self.errorCode(again) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT")
        try Self.expectFlashOnce("Checking the certificate now.", box: box, cookie: cookie)
    }

    @Test func logLevelTakesEffectAtOnceAndSurvivesARestart() throws {
        let box = try EndToEndBox()
        #expect(try box.client.status().string("log_level") == "warning")
        let debugLine = "certificate check started"
        _ = try box.client.get("/")
        #expect(!(try box.client.get("/logs").text.contains(debugLine)), "no debug line at the warning level")
        let cookie = try Self.expectRedirect(try box.client.submit("/settings/log-level", [("level", "debug")]))
        #expect(try box.client.status().string("log_level") == "debug")
        #expect(box.odooConfText.contains("log_level = debug"))
        try Self.expectFlashOnce("Log level set to debug.", box: box, cookie: cookie)

        // A homepage visit starts a check, which logs a debug line only at the debug level.
        _ = try box.client.get("/")
        var logs = try box.client.get("/logs").text
        for _ in 0..<50 where !logs.contains(debugLine) {
            usleep(100_000)
            logs = try box.client.get("/logs").text
        }
        #expect(logs.contains(debugLine))

        try box.restart()
        #expect(try box.client.status().string("log_level") == "debug")
        #expect(try box.client.get("/settings").text.contains("<option value=\"debug\" selected>"))
    }
}
