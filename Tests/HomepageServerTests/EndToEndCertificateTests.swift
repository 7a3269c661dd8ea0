import Foundation
import HTTPCore
import TestSupport
import Testing

/// The whole certificate flow against the built-in sandbox: a refused database, then an
/// eligible one, the HTTPS listener, and the same pages over verified TLS.
@Suite struct EndToEndCertificateTests {
    static func errorCode(_ status: [String: Any]) -> String? {
        status.object("certificate")?.object("error")?.string("code")
    }

    /// Saves the credential of the sandbox database `name` and waits until the box holds a
    /// valid certificate with its HTTPS listener open; returns that status.
    @discardableResult
    static func obtainCertificate(_ box: EndToEndBox, database name: String = "demo-production") throws
        -> [String: Any]
    {
        let credential = try EndToEndFormTests.credential(of: box, named: name)
        let saved = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])
        #expect(saved.status == 303)
        return try box.waitForStatus("a valid certificate and an open HTTPS listener") {
            $0.object("certificate")?.string("state") == "valid" && $0.object("https")?["listening"] as? Bool == true
                && $0.string("https_url") != nil
        }
    }

    @Test func ineligibleThenEligibleDatabaseLeadsToTheSamePagesOverVerifiedTLS() throws {
        let box = try EndToEndBox()

        // A staging database is refused, and the homepage says what makes a database eligible.
        let staging = try EndToEndFormTests.credential(of: box, named: "demo-staging")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", staging.uuid), ("enterprise_code", staging.code)])
        let refusal = try box.waitForStatus("the refusal") {
            Self.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"
        }
        #expect(refusal.object("certificate")?.object("error")?.string("detail")?.contains("staging") == true)
        let refused = try box.client.get("/").text
        #expect(refused.contains("ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"))
        #expect(refused.contains("production database"))
        #expect(refused.contains("IoT box"))
        #expect(try box.client.status()["https_url"] is NSNull)

        // The production database gets a certificate, and the box serves it at once.
        let status = try Self.obtainCertificate(box)
        let certificate = try #require(status.object("certificate"))
        let subject = try #require(certificate.string("subject"))
        #expect(subject.hasPrefix("*.") && subject.hasSuffix(".odoo-iot.com"))
        #expect(certificate["error"] is NSNull)
        #expect((certificate["days_left"] as? Int ?? 0) > 10)
        for key in ["not_before", "not_after", "last_check"] {
            let time = try #require(certificate.string(key), "\(key) is set")
            #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil, "\(key) is RFC 3339 UTC")
        }
        let settings = try box.client.get("/settings").text
        #expect(settings.contains("Valid from") && settings.contains("Valid until"))
        let https = try #require(status.object("https"))
        let port = try #require(https["port"] as? Int)
        let ip = try #require(status.string("ip"))
        let httpsURL = try #require(status.string("https_url"))
        #expect(
            httpsURL == "https://\(ip.replacingOccurrences(of: ".", with: "-")).\(subject.dropFirst(2)):\(port)")
        let printed = try box.server.waitForLine(what: "https URL") { $0.hasPrefix("https://") }
        #expect(EndToEndServerProcess.port(inURL: printed) == port)
        #expect(box.odooConfText.contains("subject = \(subject)"))
        #expect(box.scratch.mode(of: "data/tls/cert.pem") == 0o644)
        #expect(box.scratch.mode(of: "data/tls/key.pem") == 0o600)

        // The HTTP homepage links to the HTTPS address.
        #expect(try box.client.get("/").text.contains("href=\"\(httpsURL)\""))

        // The HTTPS homepage, verified against the sandbox CA under the box's own name.
        let secure = try box.client.getSecure(httpsURL + "/")
        #expect(secure.status == 200)
        #expect(secure.text.contains(subject))
        #expect(secure.text.contains(try #require(status.string("identifier"))))
        let secureStatus = try box.client.getSecure(httpsURL + "/status.json")
        #expect(secureStatus.status == 200)
        #expect(try box.client.getSecure(httpsURL + "/", host: "evil.example").status == 421)

        // Without the sandbox CA the same address does not verify.
        var untrusting = HTTPClient.Configuration(proxy: .direct)
        untrusting.resolver = HTTPClientResolver { _ in ["127.0.0.1"] }
        #expect(throws: HTTPClientError.self) {
            _ = try HTTPClient(configuration: untrusting).send(HTTPClientRequest(url: httpsURL + "/"))
        }
    }

    @Test func restartWithTheStoredCertificateOpensHTTPSAtOnce() throws {
        let box = try EndToEndBox()
        try Self.obtainCertificate(box)
        let chain = FileManager.default.contents(atPath: box.dataDirectory + "/tls/cert.pem")
        #expect(chain != nil)

        try box.restart()
        let printed = try box.server.waitForLine(what: "https URL") { $0.hasPrefix("https://") }
        let port = try #require(EndToEndServerProcess.port(inURL: printed))
        let status = try box.client.status()
        #expect(status.object("https")?["listening"] as? Bool == true)
        #expect(status.object("https")?["port"] as? Int == port)
        let httpsURL = try #require(status.string("https_url"))
        #expect(try box.client.getSecure(httpsURL + "/").status == 200)
        // The stored certificate was still good: no new one was requested.
        #expect(FileManager.default.contents(atPath: box.dataDirectory + "/tls/cert.pem") == chain)
    }
}
