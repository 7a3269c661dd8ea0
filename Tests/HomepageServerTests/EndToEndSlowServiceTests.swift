import Foundation
import TestSupport
import Testing

/// A slow or failing certificate service, set through the sandbox's `knobs.json`: pages never
/// wait more than about two seconds, say "checking" and refresh themselves, and show the
/// service's status code when it fails.
@Suite struct EndToEndSlowServiceTests {
    private func setKnobs(_ box: EndToEndBox, _ json: String) throws {
        try Data(json.utf8).write(to: URL(fileURLWithPath: box.dataDirectory + "/sandbox/knobs.json"))
    }

    @Test func aSlowServiceGivesACheckingPageThatRefreshesItselfThenTheResult() throws {
        let box = try EndToEndBox()
        try setKnobs(box, #"{"delay_ms": 5000}"#)
        let credential = try EndToEndFormTests.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])

        let started = ContinuousClock.now
        let page = try box.client.get("/")
        let waited = ContinuousClock.now - started

        #expect(page.status == 200)
        // The bound is two seconds; the service takes five. The margin absorbs a busy machine.
        #expect(waited < .milliseconds(4500))
        #expect(page.text.contains("http-equiv=\"refresh\""))
        #expect(page.text.contains("badge-checking"))

        try box.waitForStatus("the slow certificate to arrive", timeout: .seconds(20)) {
            $0.object("certificate")?.string("state") == "valid"
        }
        let done = try box.client.get("/")
        #expect(!done.text.contains("http-equiv=\"refresh\""))
        #expect(done.text.contains("badge-valid"))
    }

    @Test func aFailingServiceShowsTheStatusCodeToQuote() throws {
        let box = try EndToEndBox()
        try setKnobs(box, #"{"forced_status": 503}"#)
        let credential = try EndToEndFormTests.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])

        let status = try box.waitForStatus("the refusal") {
            EndToEndCertificateTests.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS"
        }
        #expect(status.object("certificate")?.object("error")?["http_status"] as? Int == 503)
        let page = try box.client.get("/").text
        #expect(page.contains("ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 503"))
        #expect(page.contains("support ticket"))
        #expect(page.contains("Open https://www.odoo.com in a browser"), "the documentation's first step")
    }
}

/// An answer that is not JSON is not a refusal: the page must not only talk about eligibility.
@Suite struct EndToEndGarbageAnswerTests {
    @Test func anAnswerThatIsNotJSONPointsAtMaintenanceOrAProxyBeforeEligibility() throws {
        let box = try EndToEndBox()
        try Data(#"{"answer_garbage": true}"#.utf8).write(
            to: URL(fileURLWithPath: box.dataDirectory + "/sandbox/knobs.json"))
        let credential = try EndToEndFormTests.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])
        try box.waitForStatus("the garbage answer") {
            EndToEndCertificateTests.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"
        }

        let page = try box.client.get("/").text
        #expect(page.contains("<code>ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT</code>"))
        let maintenance = try #require(page.range(of: "down for maintenance; "), "the advice names maintenance")
        let proxy = try #require(page.range(of: "proxy"), "the advice names a proxy in the way")
        let eligibility = try #require(page.range(of: "must be a production database"))
        #expect(maintenance.lowerBound < eligibility.lowerBound && proxy.lowerBound < eligibility.lowerBound)
    }
}
