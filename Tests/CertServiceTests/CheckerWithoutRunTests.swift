import Foundation
import Synchronization
import TestSupport
import Testing

@testable import CertService

/// A page view whose outcome is already certain needs no run on the checker's thread, and
/// pages waiting for a run share one timer.
@Suite struct CheckerWithoutRunTests {
    private static let serverURL = "https://shop.test"
    private static let provisioningURL = "https://provisioning.test/odoo-enterprise/iot/x509"

    private final class Box {
        let directory: TemporaryDirectory
        let clock = ManualCertificateClock(now: Date(timeIntervalSince1970: 1_800_000_000))
        let transport: FakeProvisioningTransport
        let log = CapturedLog()
        let checker: CertificateChecker

        init(serverURL: String?, holdRequests: Bool = false) throws {
            directory = TemporaryDirectory(prefix: "cert-tests")
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

        func storeCertificate(daysLeft: Double, keyID: String) throws {
            try checker.store.replace(
                chainPEM: FakeCertificateInspector.chain(
                    cn: "*.abcd1234.odoo-iot.com", notBefore: clock.now.addingTimeInterval(-30 * 86_400),
                    notAfter: clock.now.addingTimeInterval(daysLeft * 86_400), keyID: keyID),
                keyPEM: FakeCertificateInspector.key(keyID))
        }

        /// Runs started so far: each one logs this line before it is queued.
        var runsStarted: Int { log.lines.withLock { $0.filter { $0.contains("certificate check started") }.count } }

        func settle() async -> CertificateStatus {
            await withCheckedContinuation { continuation in
                checker.waitForResult(upTo: .seconds(1_000_000_000)) { continuation.resume(returning: $0) }
            }
        }
    }

    @Test func validCertificateWhoseFilesAreUnchangedNeedsNoRun() async throws {
        let box = try Box(serverURL: Self.serverURL)
        try box.storeCertificate(daysLeft: 60, keyID: "k1")
        box.checker.check(reason: .homepageVisit)
        #expect(await box.settle().state == .valid)
        #expect(box.runsStarted == 1)

        box.clock.advance(by: .seconds(5))
        box.checker.check(reason: .homepageVisit)
        #expect(box.runsStarted == 1)
        #expect(!box.checker.isChecking)
        let status = box.checker.status
        #expect(status.state == .valid)
        // Counted at this visit: 60 days less 5 seconds is 59 whole days.
        #expect(status.daysLeft == 59)
        #expect(status.lastCheck == box.clock.now)
        #expect(box.transport.requests.isEmpty)
    }

    @Test func replacedCertificateFilesAreInspectedByARun() async throws {
        let box = try Box(serverURL: Self.serverURL)
        try box.storeCertificate(daysLeft: 60, keyID: "k1")
        box.checker.check(reason: .homepageVisit)
        _ = await box.settle()

        try box.storeCertificate(daysLeft: 40, keyID: "k2")
        box.checker.check(reason: .homepageVisit)
        #expect(box.runsStarted == 2)
        #expect(await box.settle().daysLeft == 40)
    }

    @Test func certificateDueForRenewalTakesARun() async throws {
        let box = try Box(serverURL: Self.serverURL)
        try box.storeCertificate(daysLeft: 60, keyID: "k1")
        box.checker.check(reason: .homepageVisit)
        _ = await box.settle()

        // 55 days later only 5 are left: inside the renewal margin, so a request is due.
        box.clock.advance(by: .seconds(55 * 86_400))
        box.checker.check(reason: .homepageVisit)
        #expect(box.runsStarted == 2)
        _ = await box.settle()
        #expect(box.transport.requests(to: Self.provisioningURL) == 1)
    }

    @Test func noServerIsReportedWithoutARun() async throws {
        let box = try Box(serverURL: nil)
        box.checker.check(reason: .homepageVisit)
        #expect(box.runsStarted == 0)
        #expect(!box.checker.isChecking)
        let status = box.checker.status
        #expect(status.state == .error)
        #expect(status.error?.code == .checkNoServer)
        #expect(status.lastCheck == box.clock.now)
    }

    @Test func checkNowAlwaysRuns() async throws {
        let box = try Box(serverURL: nil)
        box.checker.check(reason: .checkNow, force: true)
        #expect(box.runsStarted == 1)
        #expect(await box.settle().error?.code == .checkNoServer)
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
