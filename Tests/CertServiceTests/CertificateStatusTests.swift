import Foundation
import HTTPCore
import Testing

@testable import CertService

@Suite struct CertificateStatusTests {
    @Test func wildcardSubjectBuildsTheDashedIPHost() {
        let url = CertificateStatus.httpsURL(ipAddress: "192.168.1.10", subject: "*.abcd1234.odoo-iot.com", port: 8443)
        #expect(url == "https://192-168-1-10.abcd1234.odoo-iot.com:8443")
    }

    @Test func port443IsLeftOut() {
        let url = CertificateStatus.httpsURL(ipAddress: "10.0.0.2", subject: "*.abcd1234.odoo-iot.com", port: 443)
        #expect(url == "https://10-0-0-2.abcd1234.odoo-iot.com")
    }

    @Test func subjectWithoutWildcardIsTheHost() {
        let url = CertificateStatus.httpsURL(ipAddress: "10.0.0.2", subject: "box.example.com", port: 8443)
        #expect(url == "https://box.example.com:8443")
    }

    @Test func wildcardWithIPv6AddressHasNoURL() {
        #expect(CertificateStatus.httpsURL(ipAddress: "fe80::1", subject: "*.a.odoo-iot.com", port: 443) == nil)
    }

    @Test func wildcardWithAnythingButAPlainIPv4AddressHasNoURL() {
        for address in ["10.0.0.2:80", "10.0.0", "10.0.0.256", "[::1]", "box.local", ""] {
            #expect(
                CertificateStatus.httpsURL(ipAddress: address, subject: "*.a.odoo-iot.com", port: 443) == nil,
                "\(address)")
        }
    }

    @Test func noURLWithoutAUsableCertificate() {
        let status = CertificateStatus(state: .error, subject: "*.a.odoo-iot.com")
        #expect(status.httpsURL(ipAddress: "10.0.0.2", port: 443) == nil)
    }

    @Test func jsonHasEveryFieldWithNullsAndUTCTimes() throws {
        let status = CertificateStatus(
            state: .error, subject: nil, notBefore: nil, notAfter: nil, daysLeft: nil,
            error: CertificateError(.httpStatus(404), detail: "gone"),
            lastCheck: Date(timeIntervalSince1970: 1_795_000_000), nextRetry: nil)
        let json = status.json
        let object = try #require(json.objectValue)
        #expect(object.count == 8)
        #expect(object["state"] == "error")
        #expect(object["subject"] == .null)
        #expect(object["next_retry"] == .null)
        #expect(object["last_check"] == "2026-11-18T11:06:40Z")
        let error = try #require(object["error"]?.objectValue)
        #expect(error["code"] == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS")
        #expect(error["http_status"] == 404)
        #expect(String(decoding: json.serialized(), as: UTF8.self).contains("\"subject\":null"))
    }
}
