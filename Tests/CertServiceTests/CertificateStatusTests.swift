import Foundation
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

    @Test func jsonObjectHasEveryFieldWithNullsAndUTCTimes() throws {
        let status = CertificateStatus(
            state: .error, subject: nil, notBefore: nil, notAfter: nil, daysLeft: nil,
            error: CertificateError(.httpStatus(404), detail: "gone"),
            lastCheck: Date(timeIntervalSince1970: 1_795_000_000), nextRetry: nil)
        let object = status.jsonObject
        #expect(object.count == 8)
        #expect(object["state"] as? String == "error")
        #expect(object["subject"] is NSNull)
        #expect(object["next_retry"] is NSNull)
        #expect(object["last_check"] as? String == "2026-11-18T11:06:40Z")
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? String == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS")
        #expect(error["http_status"] as? Int == 404)
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(String(decoding: data, as: UTF8.self).contains("\"subject\":null"))
    }
}
