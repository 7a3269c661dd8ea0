import Foundation
import HTTPCore
import Sandbox
import TestSupport
import Testing

@testable import CertService

/// Hands requests straight to the sandbox's handler: real certificates, no sockets.
private struct InProcessSandboxTransport: ProvisioningTransport {
    let service: SandboxCertificateService

    func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse {
        let path = "/" + url.split(separator: "/", omittingEmptySubsequences: true).dropFirst(2).joined(separator: "/")
        let request = HTTPRequest(method: "POST", target: path, path: path, body: jsonBody)
        guard case .response(let response) = service.handle(request) else {
            throw ProvisioningTransportFailure(cause: .invalidAnswer, detail: "deferred answers are not used here")
        }
        return ProvisioningResponse(status: response.status, body: response.body)
    }
}

@Suite struct CheckerWithSandboxTests {
    @Test func realCertificateIsStoredThenRenewedWhenItExpiresSoon() async throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        let service = SandboxCertificateService(
            registry: .demo(), issuer: EndToEndPKI.sandboxCA)
        let production = try #require(service.databases.first { $0.eligible })
        service.updateKnobs { $0.validity = .seconds(5 * 86_400) }
        let clock = ManualCertificateClock(now: Date())
        let stored = TestRecorder<String>()
        let checker = CertificateChecker(
            configuration: .init(provisioningURL: "https://sandbox.test/odoo-enterprise/iot/x509", identifier: "box-9"),
            store: CertificateStore(dataDirectory: directory.path), inspector: OpenSSLCertificateInspector(),
            transport: InProcessSandboxTransport(service: service),
            settings: CertificateSettings(
                serverURL: "https://sandbox.test", dbUUID: production.dbUUID,
                enterpriseCode: production.enterpriseCode),
            clock: clock, onCertificateStored: { chain, _ in stored.append(chain) })

        checker.check(reason: .startup)
        let short = await withCheckedContinuation { continuation in
            checker.waitForResult(upTo: .seconds(1_000_000)) { continuation.resume(returning: $0) }
        }
        #expect(short.state == .expiring)
        #expect(short.subject == "*.\(production.subdomain).odoo-iot.com")
        checker.finishPendingStatusReports()
        #expect(service.statusUpdates.map(\.identifier) == ["box-9"])

        // A visit in the back-off that follows a short certificate sends nothing; "Check now" does.
        checker.check(reason: .homepageVisit)
        #expect(await checkerSettled(checker).nextRetry != nil)
        #expect(stored.all.count == 1)
        service.updateKnobs { $0.validity = .seconds(90 * 86_400) }
        checker.check(reason: .checkNow, force: true)
        let renewed = await withCheckedContinuation { continuation in
            checker.waitForResult(upTo: .seconds(1_000_000)) { continuation.resume(returning: $0) }
        }
        #expect(renewed.state == .valid)
        #expect(renewed.nextRetry == nil)
        #expect(renewed.daysLeft == 89 || renewed.daysLeft == 90)
        #expect(stored.all.count == 2)
        #expect(directory.mode(of: "tls/key.pem") == 0o600)
    }
}

private func checkerSettled(_ checker: CertificateChecker) async -> CertificateStatus {
    await withCheckedContinuation { continuation in
        checker.waitForResult(upTo: .seconds(1_000_000)) { continuation.resume(returning: $0) }
    }
}
