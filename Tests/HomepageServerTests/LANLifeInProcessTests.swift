import CertService
import Foundation
import HTTPCore
import Sandbox
import Testing

@testable import HomepageServer

/// CONTRACT §8 in process: the box follows a new address, a repaired `odoo.conf`, the pair on
/// disk and its DNS check, each within one maintenance pass.
@Suite struct LANLifeInProcessTests {
    static let authority: CertificateAuthority = {
        let now = Date()
        return CertificateAuthority.create(
            commonName: "LAN life test CA",
            validity: now.addingTimeInterval(-86_400)...now.addingTimeInterval(86_400 * 365))
    }()

    /// Writes a pair for `*.abcd1234.odoo-iot.com` to the box's store; returns its serial.
    @discardableResult
    static func storePair(in box: InProcessBox, days: Double = 60) throws -> String {
        let key = PrivateKey.generateECP256()
        let leaf = try authority.issue(
            commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com", "abcd1234.odoo-iot.com"],
            notBefore: Date().addingTimeInterval(-3600), notAfter: Date().addingTimeInterval(days * 86_400), key: key)
        try CertificateStore(dataDirectory: box.scratch.path).replace(
            chainPEM: String(decoding: leaf.pem + authority.certificate.pem, as: UTF8.self),
            keyPEM: String(decoding: key.pkcs8PEM, as: UTF8.self))
        return leaf.serialNumberHex
    }

    /// Polls `/status.json` (the DNS check answers on its own thread).
    static func waitForStatus(_ box: InProcessBox, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(5)
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try box.status()
            if condition(last) { return last }
            usleep(20_000)
        }
        Issue.record("condition not met; last status: \(last)")
        return last
    }

    @Test func aNewAddressIsAcceptedTheOldOneRefusedAndTheHTTPSNameFollows() throws {
        let box = try InProcessBox()
        try Self.storePair(in: box)
        box.app.maintain()
        let port = try #require(box.app.https.served?.port)
        #expect(try box.status()["https_url"] as? String == "https://192-168-1-10.abcd1234.odoo-iot.com:\(port)")
        #expect(box.get("/", host: "192.168.1.10:8069").status == 200)
        #expect(box.get("/", host: "192.168.1.20:8069").status == 421)

        var moved = InProcessBox.machine
        moved.ipAddress = "192.168.1.20"
        moved.allAddresses = ["127.0.0.1", "192.168.1.20", "::1"]
        box.machineFacts.value = moved
        box.app.maintain()

        #expect(box.get("/", host: "192.168.1.10:8069").status == 421)
        let page = box.get("/", host: "192.168.1.20:8069")
        #expect(page.status == 200)
        #expect(page.text.contains("https://192-168-1-20.abcd1234.odoo-iot.com:\(port)"))
        let status = try box.status(host: "192.168.1.20:8069")
        #expect(status["ip"] as? String == "192.168.1.20")
        #expect(status["https_url"] as? String == "https://192-168-1-20.abcd1234.odoo-iot.com:\(port)")
    }

    @Test func aRepairedSettingsFileIsUsedWithoutRestart() throws {
        let box = try InProcessBox(odooConf: "[iot.box]\nremote_server\n")
        #expect(try box.status()["server_url"] is NSNull)
        #expect(try box.status()["settings_error"] is String)
        box.scratch.write("odoo.conf", "[iot.box]\nremote_server = https://shop.example.com\n")
        #expect(try box.status()["server_url"] as? String == "https://shop.example.com")
        #expect(try box.status()["settings_error"] == nil)
        box.app.maintain()
        box.waitForCheck()
        let certificate = try #require(try box.status()["certificate"] as? [String: Any])
        let error = try #require(certificate["error"] as? [String: Any])
        #expect(error["code"] as? String == "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL", "the checker got the repaired server")
    }

    @Test func theServedLeafFollowsTheStoredLeaf() throws {
        let box = try InProcessBox()
        let first = try Self.storePair(in: box)
        box.app.maintain()
        #expect((try box.status()["https"] as? [String: Any])?["serial"] as? String == first)
        let second = try Self.storePair(in: box)
        #expect(second != first)
        box.app.maintain()
        let https = try #require(try box.status()["https"] as? [String: Any])
        #expect(https["serial"] as? String == second)
        #expect(https["listening"] as? Bool == true)
    }

    @Test func dnsStateFollowsTheResolverAndThePageAdvisesWhenNotOK() throws {
        let box = try InProcessBox()
        #expect(try box.status()["dns"] is NSNull, "no HTTPS name, no DNS check")
        try Self.storePair(in: box)
        box.resolution.value = .addresses(["192.168.1.10"])
        box.app.maintain()
        var dns = try Self.waitForStatus(box) { ($0["dns"] as? [String: Any])?["state"] as? String == "ok" }
            .object("dns")
        #expect(dns?["name"] as? String == "192-168-1-10.abcd1234.odoo-iot.com")
        #expect(dns?["addresses"] as? [String] == ["192.168.1.10"])
        #expect(!box.get("/").text.contains("id=\"dns-check\""))

        box.resolution.value = .addresses(["10.9.9.9"])
        box.app.checkDNS(force: true)
        dns = try Self.waitForStatus(box) { ($0["dns"] as? [String: Any])?["state"] as? String == "mismatch" }
            .object("dns")
        #expect(dns?["addresses"] as? [String] == ["10.9.9.9"])
        var page = box.get("/").text
        #expect(page.contains("id=\"dns-check\""))
        #expect(page.contains("not to this box"))
        #expect(page.contains("Google DNS"))

        box.resolution.value = .notFound("Name or service not known")
        box.app.checkDNS(force: true)
        _ = try Self.waitForStatus(box) { ($0["dns"] as? [String: Any])?["state"] as? String == "unresolved" }
        page = box.get("/").text
        #expect(page.contains("the name does not resolve"))
        #expect(page.contains("DNS_PROBE_FINISHED_NXDOMAIN"))

        box.resolution.value = .failed("Temporary failure in name resolution")
        box.app.checkDNS(force: true)
        _ = try Self.waitForStatus(box) { ($0["dns"] as? [String: Any])?["state"] as? String == "error" }
    }

    @Test func aLookupThatNeverAnswersIsAnErrorAfterItsTime() throws {
        let reports = InProcessValue<[DNSReport]>([])
        let check = DNSCheck(
            timeout: .milliseconds(200),
            resolve: { _ in
                usleep(1_500_000)
                return .addresses(["192.168.1.10"])
            },
            onReport: { report in reports.value.append(report) })
        check.checkIfDue(name: "192-168-1-10.abcd1234.odoo-iot.com", expected: "192.168.1.10")
        let deadline = ContinuousClock.now + .seconds(1)
        while reports.value.isEmpty && ContinuousClock.now < deadline { usleep(10_000) }
        #expect(reports.value.first?.state == .error)
        #expect(check.report?.state == .error)
    }

    @Test func theHomepageOverHTTPAsksTheHTTPSAddressWhosePingItsPageMayRead() throws {
        let box = try InProcessBox()
        try Self.storePair(in: box)
        box.app.maintain()
        let port = try #require(box.app.https.served?.port)
        let httpsURL = "https://192-168-1-10.abcd1234.odoo-iot.com:\(port)"
        let page = box.get("/")
        #expect(page.text.contains("data-ping-url=\"\(httpsURL)/iot_drivers/ping\""))
        #expect(page.text.contains("/static/js/reachability.js"))
        #expect(page.headers["Content-Security-Policy"]?.hasSuffix("; connect-src 'self' \(httpsURL)") == true)

        // The page's own origin (the box's address and its HTTP port) may read the answer.
        let own = box.send(
            "GET", "/iot_drivers/ping", host: "192-168-1-10.abcd1234.odoo-iot.com:\(port)",
            headers: [("Origin", "http://192.168.1.10:8069")])
        #expect(own.status == 200)
        let pong = try #require(try JSONSerialization.jsonObject(with: Data(own.body)) as? [String: String])
        #expect(pong == ["status": "success", "message": "pong"])
        let allowed = own.headers["Access-Control-Allow-Origin"]
        #expect(allowed == "*" || allowed == "http://192.168.1.10:8069")
    }
}
