import Testing

@testable import CertService

@Suite struct CertificateErrorTests {
    @Test func codesAreTheDocumentedStrings() {
        let raw = Set(CertificateErrorCode.allCases.map(\.rawValue))
        #expect(
            raw == [
                "ERR_IOT_HTTPS_CHECK_NO_SERVER", "ERR_IOT_HTTPS_CHECK_CERT_READ_EXCEPTION",
                "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL", "ERR_IOT_HTTPS_LOAD_REQUEST_EXCEPTION",
                "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS", "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT",
                "ERR_IOT_HTTPS_LOAD_INVALID_CERTIFICATE", "ERR_IOT_HTTPS_STORE_EXCEPTION",
            ])
    }

    @Test func displayCodeAppendsTheHTTPStatus() {
        let error = CertificateError(code: .loadRequestStatus, httpStatus: 404, detail: "not found")
        #expect(error.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404")
        #expect(error.meaning.contains("404"))
        #expect(error.advice.contains { $0.contains("404") && $0.contains("support ticket") })
    }

    @Test func displayCodeWithoutStatusIsTheBareCode() {
        let error = CertificateError(code: .checkNoServer, detail: "no server")
        #expect(error.displayCode == "ERR_IOT_HTTPS_CHECK_NO_SERVER")
    }

    @Test func everyCodeHasMeaningAndAdvice() {
        for code in CertificateErrorCode.allCases {
            let error = CertificateError(code: code, detail: "x")
            #expect(!error.meaning.isEmpty)
            #expect(!error.advice.isEmpty)
        }
    }

    @Test func noResultAdviceExplainsEligibility() {
        let advice = CertificateError(code: .loadRequestNoResult, detail: "refused").advice.joined(separator: " ")
        #expect(advice.contains("production"))
        #expect(advice.contains("staging"))
        #expect(advice.contains("In Progress"))
        #expect(advice.contains("IoT box"))
    }

    @Test func dnsAdviceAppearsOnlyForNameResolutionFailures() {
        let dns = CertificateError(
            code: .loadRequestException, detail: "DNS lookup of www.odoo.com failed: name does not resolve")
        let refused = CertificateError(code: .loadRequestException, detail: "connection to 10.0.0.1:443 refused")
        #expect(dns.advice.contains { $0.contains("Google DNS") })
        #expect(!refused.advice.contains { $0.contains("Google DNS") })
        #expect(refused.advice.contains { $0.contains("firewall") && $0.contains("VPN") })
    }
}
