import Testing

@testable import CertService

/// What the certificate service sends is not trusted to be well-formed: names that become
/// links, and messages that become details.
@Suite struct CertificateServiceInputTests {
    @Test func onlyAPlainDNSNameBecomesAnHTTPSAddress() {
        #expect(
            CertificateStatus.httpsURL(ipAddress: "192.168.1.10", subject: "*.abcd1234.odoo-iot.com", port: 8443)
                == "https://192-168-1-10.abcd1234.odoo-iot.com:8443")
        #expect(
            CertificateStatus.httpsURL(ipAddress: "192.168.1.10", subject: "box.example", port: 443)
                == "https://box.example")
        for hostile in ["*.evil.example@odoo-iot.com", "evil.example/x", "*.a b.com", "*.", "", "-a.com", "a..com"] {
            #expect(
                CertificateStatus.httpsURL(ipAddress: "192.168.1.10", subject: hostile, port: 8443) == nil, "\(hostile)"
            )
        }
    }

    @Test func aServiceMessageCannotForgeLinesAndIsCut() {
        let forged = CertificateError(
            .serviceError, detail: "refused\r\n2026-11-26T10:00:00Z ERROR [cert] forged\u{1B}[31m\u{202E}")
        #expect(!forged.detail.contains("\n") && !forged.detail.contains("\r"))
        #expect(!forged.detail.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
        #expect(forged.detail.hasPrefix("refused  2026-11-26"))

        let huge = CertificateError(.serviceError, detail: String(repeating: "x", count: 100_000))
        #expect(huge.detail.count == CertificateError.maximumDetailLength + 1)
        #expect(huge.detail.hasSuffix("…"))
    }
}
