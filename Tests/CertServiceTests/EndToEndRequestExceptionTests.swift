import Foundation
import HTTPCore
import Sandbox
import Synchronization
import TestSupport
import Testing

@testable import CertService

/// Every way the request gets no HTTP answer at all ends as
/// `ERR_IOT_HTTPS_LOAD_REQUEST_EXCEPTION`, with the precise cause in `detail`.
@Suite struct EndToEndRequestExceptionTests {
    /// Runs one check of a box whose credentials are set, against `provisioningURL`.
    private func check(
        _ provisioningURL: String, trustServiceCA: Bool = true, totalTimeout: Duration = .seconds(10),
        resolver: HTTPClientResolver = endToEndLoopbackResolver, dnsTimeout: Duration = .seconds(5)
    ) async throws -> CertificateStatus {
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let checker = box.makeChecker(
            provisioningURL: provisioningURL,
            settings: CertificateSettings(serverURL: "https://localhost", dbUUID: "db-1", enterpriseCode: "M123456"),
            trustServiceCA: trustServiceCA, totalTimeout: totalTimeout, resolver: resolver, dnsTimeout: dnsTimeout)
        let status = await checker.checkAndSettle()
        #expect(status.state == .error)
        #expect(status.error?.code == .loadRequestException)
        #expect(status.error?.httpStatus == nil)
        #expect(status.nextRetry != nil)
        #expect(status.error?.detail.contains("M123456") == false)
        #expect(FileManager.default.fileExists(atPath: box.certificatePath) == false)
        return status
    }

    @Test func closedPortGivesRequestExceptionNamingTheRefusal() async throws {
        let (descriptor, port) = try TestSockets.refusingPort()
        defer { close(descriptor) }
        let url = "https://localhost:\(port)\(SandboxCertificateService.provisioningPath)"

        let status = try await check(url)

        #expect(status.error?.cause == .requestFailed(.connectionRefused))
        #expect(status.error?.detail == "POST \(url): connection refused by localhost port \(port)")
    }

    @Test func untrustedServerCertificateGivesRequestException() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        let counter = EndToEndCountingHandler(sandbox)
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }

        let status = try await check(server.provisioningURL, trustServiceCA: false)

        let detail = try #require(status.error?.detail)
        // The service sends its CA along, which the box does not trust.
        #expect(
            detail
                == "POST \(server.provisioningURL): the server certificate is not trusted: "
                + "self-signed certificate in certificate chain")
        #expect(counter.provisioningRequests == 0)
    }

    @Test func serverCertificateForAnotherNameGivesRequestException() async throws {
        let counter = EndToEndCountingHandler(SandboxCertificateService.endToEnd())
        let server = try EndToEndTLSServer(handler: counter, certificate: EndToEndPKI.otherHost)
        defer { server.stop() }

        let status = try await check(server.provisioningURL)

        #expect(
            status.error?.detail
                == "POST \(server.provisioningURL): the server certificate is not valid for localhost")
        #expect(counter.provisioningRequests == 0)
    }

    @Test func serverThatResetsOnAcceptGivesRequestExceptionAfterQuickRetries() async throws {
        let server = try FakeServer(behaviour: .resetOnAccept)
        defer { server.stop() }
        let url = "https://localhost:\(server.port)\(SandboxCertificateService.provisioningPath)"

        let status = try await check(url)

        #expect(status.error?.cause == .requestFailed(.resetBeforeSending))
        #expect(status.error?.detail == "POST \(url): the connection was reset")
        // A reset may pass by itself: the first try and both quick retries reached the server.
        #expect(server.acceptedConnections == 3)
    }

    @Test func serverThatClosesWithoutAnsweringGivesRequestException() async throws {
        let context = try TLSServerContext(
            certificateChainPEM: EndToEndPKI.localhost.chainPEM, privateKeyPEM: EndToEndPKI.localhost.keyPEM)
        let server = try FakeServer(tls: context, behaviour: .closeAfterRequest)
        defer { server.stop() }
        let url = "https://localhost:\(server.port)\(SandboxCertificateService.provisioningPath)"

        let status = try await check(url)

        #expect(status.error?.cause == .requestFailed(.closedAfterSending))
        #expect(status.error?.detail == "POST \(url): the server closed the connection without answering")
        #expect(server.acceptedConnections == 1)
        // The whole request arrived before the close: "after sending" is the truth.
        #expect(server.observations.map(\.requestComplete) == [true])
    }

    @Test func sandboxThatDropsTheConnectionGivesRequestException() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        sandbox.updateKnobs { $0.dropConnection = true }
        let counter = EndToEndCountingHandler(sandbox)
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }

        let status = try await check(server.provisioningURL)

        #expect(status.error?.cause == .requestFailed(.closedAfterSending))
        #expect(
            status.error?.detail == "POST \(server.provisioningURL): the server closed the connection without answering"
        )
        // The service saw the request, so it is not sent again at once: the back-off retries it.
        #expect(counter.provisioningRequests == 1)
        #expect(status.nextRetry != nil)
    }

    /// Accepts the request and never answers it.
    private struct SilentService: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
            .deferred { _ in }
        }
    }

    @Test func serverThatNeverAnswersGivesRequestExceptionNamingTheTimeout() async throws {
        let counter = EndToEndCountingHandler(SilentService())
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }

        // Long enough for a handshake on a loaded machine: the request is sent, then waits.
        let status = try await check(server.provisioningURL, totalTimeout: .seconds(2))

        #expect(status.error?.cause == .requestFailed(.timedOutAfterSending))
        #expect(status.error?.detail == "POST \(server.provisioningURL): the server did not answer in time")
        // The service received it and may be acting on it: it is not sent again before the back-off.
        #expect(counter.provisioningRequests == 1)
    }

    @Test func unresolvableNameGivesRequestExceptionNamingTheHost() async throws {
        let url = "https://certificates.example.invalid\(SandboxCertificateService.provisioningPath)"

        let status = try await check(url)

        #expect(status.error?.cause == .requestFailed(.nameNotResolved))
        #expect(
            status.error?.detail
                == "POST \(url): cannot resolve certificates.example.invalid: Name or service not known")
        #expect(status.error?.advice.contains { $0.contains("DNS") } == true)
    }

    /// A resolver that never answers in time gets the DNS advice too, and its quick re-sends.
    @Test func nameResolutionTimeoutGetsTheDNSAdvice() async throws {
        let lookups = Atomic<Int>(0)
        let silentResolver = HTTPClientResolver { _ throws(HTTPClientError) in
            lookups.add(1, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 0.5)
            return ["127.0.0.1"]
        }
        let url = "https://www.odoo.com\(SandboxCertificateService.provisioningPath)"

        let status = try await check(url, resolver: silentResolver, dnsTimeout: .milliseconds(50))

        #expect(status.error?.cause == .requestFailed(.nameResolutionTimedOut))
        #expect(status.error?.detail == "POST \(url): resolving www.odoo.com took too long")
        #expect(status.error?.advice.contains { $0.contains("Google DNS") } == true)
        #expect(lookups.load(ordering: .relaxed) == 3)
    }
}
