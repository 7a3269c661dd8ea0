import Foundation
import HTTPCore
import TestSupport
import Testing

/// The running box renews a certificate that ends inside the 10-day window, and its HTTPS
/// listener serves the new one to new connections on the same port, without a restart.
@Suite struct BoxRenewalTests {
    @Test func aCertificateInsideTheRenewalWindowIsReplacedLive() throws {
        let box = try EndToEndBox()
        try Data(#"{"validity_days": 5}"#.utf8).write(
            to: URL(fileURLWithPath: box.dataDirectory + "/sandbox/knobs.json"))
        let credential = try EndToEndFormTests.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])
        let first = try box.waitForStatus("a first, short certificate being served") {
            $0.object("certificate")?.string("state") == "expiring" && $0.object("https")?["listening"] as? Bool == true
        }
        #expect(first.object("certificate")?["days_left"] as? Int == 4)
        let port = try #require(first.object("https")?["port"] as? Int)
        let firstSerial = try #require(try ServedCertificate.serial(ofPEMFile: box.dataDirectory + "/tls/cert.pem"))
        #expect(try ServedCertificate.serial(port: port, serverName: "box.test") == firstSerial)

        // The service now issues long certificates; "Check now" skips the retry back-off.
        try FileManager.default.removeItem(atPath: box.dataDirectory + "/sandbox/knobs.json")
        #expect(try box.client.submit("/certificate/check").status == 303)
        let renewed = try box.waitForStatus("the renewed certificate") {
            $0.object("certificate")?.string("state") == "valid"
        }

        #expect(renewed.object("https")?["port"] as? Int == port)
        let secondSerial = try #require(try ServedCertificate.serial(ofPEMFile: box.dataDirectory + "/tls/cert.pem"))
        #expect(secondSerial != firstSerial)
        #expect(try ServedCertificate.serial(port: port, serverName: "box.test") == secondSerial)
        #expect(try box.client.getSecure(try #require(renewed.string("https_url")) + "/").status == 200)
    }
}
