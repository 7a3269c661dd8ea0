import Glibc
import HTTPCore
import Testing

@testable import CertService

@Suite struct HTTPClientProvisioningTransportTests {
    /// A loopback port nobody listens on: bound, then closed.
    func closedLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func refusedConnectionIsAFailureBeforeSendingNamingTheURL() throws {
        let port = try closedLoopbackPort()
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
