import Glibc
import HTTPCore
import TestSupport
import Testing

@testable import CertService

@Suite struct HTTPClientProvisioningTransportTests {
    @Test func refusedConnectionIsAFailureBeforeSendingNamingTheURL() throws {
        let (descriptor, port) = try TestSockets.refusingPort()
        defer { close(descriptor) }
        let url = "http://127.0.0.1:\(port)/odoo-enterprise/iot/x509"
        let transport = HTTPClientProvisioningTransport(client: HTTPClient(configuration: .init(proxy: .direct)))
        do {
            _ = try transport.post(url: url, jsonBody: Array("{}".utf8))
            Issue.record("a closed port answered")
        } catch {
            #expect(error.cause == .connectionRefused)
            #expect(!error.cause.reachedService)
            #expect(error.detail.contains(url))
        }
    }

    @Test func clientErrorsMapToTheirCauses() {
        let expected: [(HTTPClientError, CertificateRequestFailure)] = [
            (.invalidURL("x"), .invalidURL),
            (.dnsFailed(host: "www.odoo.com", detail: "NXDOMAIN"), .nameNotResolved),
            (.dnsTimedOut(host: "www.odoo.com"), .nameResolutionTimedOut),
            (.connectionRefused(host: "x", port: 443), .connectionRefused),
            (.connectTimedOut, .connectTimedOut),
            (.connectionReset, .resetBeforeSending),
            (.timedOut, .timedOutBeforeSending),
            (.tlsHandshakeFailed(detail: "alert"), .tlsHandshakeFailed),
            (.certificateNotTrusted(detail: "self-signed"), .tlsUntrusted),
            (.hostnameMismatch(host: "x"), .tlsWrongHost),
            (.proxyRefused(status: 407), .proxyFailed),
            (.proxyFailed(detail: "down"), .proxyFailed),
            (.connectionResetAfterSending, .resetAfterSending),
            (.closedWithoutAnswer, .closedAfterSending),
            (.timedOutAfterSending, .timedOutAfterSending),
            (.malformedResponse(detail: "x"), .invalidAnswer),
            (.responseTooLarge(limit: 1), .invalidAnswer),
        ]
        for (error, cause) in expected {
            #expect(HTTPClientProvisioningTransport.cause(of: error) == cause, "\(error)")
        }
    }
}
