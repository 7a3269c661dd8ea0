import Foundation
import Synchronization
import Testing

@testable import CertService

/// Pages waiting for a run share one timer.
@Suite struct CheckerWithoutRunTests {
    private static let serverURL = "https://shop.test"
    private static let provisioningURL = "https://provisioning.test/odoo-enterprise/iot/x509"

    private final class Box {
        let directory: CertTestDirectory
        let clock = ManualCertificateClock(now: Date(timeIntervalSince1970: 1_800_000_000))
        let transport: FakeProvisioningTransport
        let log = CapturedLog()
        let checker: CertificateChecker

        init(serverURL: String?, holdRequests: Bool = false) throws {
            directory = try CertTestDirectory()
            transport = FakeProvisioningTransport(holdRequests: holdRequests) { _, _ in
                ProvisioningResponse(status: 404, body: [])
            }
            checker = CertificateChecker(
                configuration: .init(provisioningURL: CheckerWithoutRunTests.provisioningURL, identifier: "box"),
                store: CertificateStore(dataDirectory: directory.path), inspector: FakeCertificateInspector(),
                transport: transport,
                settings: CertificateSettings(serverURL: serverURL, dbUUID: "db-uuid-1", enterpriseCode: "code-1"),
                clock: clock, logger: log.logger)
        }

        deinit { directory.remove() }

        func settle() async -> CertificateStatus {
            await withCheckedContinuation { continuation in
                checker.waitForResult(upTo: .seconds(1_000_000_000)) { continuation.resume(returning: $0) }
            }
        }
    }

    @Test func waitingPagesShareOneTimerAndEachWaitsItsOwnBound() async throws {
        let box = try Box(serverURL: Self.serverURL, holdRequests: true)
        box.checker.check(reason: .homepageVisit)
        box.transport.waitForArrival()

        let answered = Mutex<[Int: CertificateState]>([:])
        for page in 0..<50 {
            box.checker.waitForResult(upTo: .seconds(2)) { status in answered.withLock { $0[page] = status.state } }
        }
        #expect(box.clock.pendingCount == 1)
        box.clock.advance(by: .seconds(1))
        box.checker.waitForResult(upTo: .seconds(2)) { status in answered.withLock { $0[50] = status.state } }
        #expect(box.clock.pendingCount == 1)

        box.clock.advance(by: .seconds(1))
        #expect(answered.withLock { $0.count } == 50)
        #expect(answered.withLock { $0.values.allSatisfy { $0 == .checking } })
        #expect(answered.withLock { $0[50] } == nil)
        #expect(box.clock.pendingCount == 1)

        box.clock.advance(by: .seconds(1))
        #expect(answered.withLock { $0[50] } == .checking)
        #expect(box.clock.pendingCount == 0)

        box.transport.release()
        #expect(await box.settle().error?.code == .loadRequestStatus)
    }
}
