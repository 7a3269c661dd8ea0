import Foundation
import HTTPCore
import Sandbox
import Synchronization
import TestSupport
import Testing

@testable import CertService

/// How a box paces its requests against a misbehaving service, over real TLS to a local
/// service: the service's slowness is real, the back-off runs on the box's manual clock.
@Suite struct EndToEndRetryTests {
    /// A production database's credentials, for a service at `origin`.
    private func settings(origin: String) -> CertificateSettings {
        let database = SandboxRegistry.demo().databases[0]
        return CertificateSettings(serverURL: origin, dbUUID: database.dbUUID, enterpriseCode: database.enterpriseCode)
    }

    /// Runs the first check, then `steps` back-off steps, each ended by moving the manual clock
    /// to the `nextRetry` the box announced; returns the requests counted after the first check
    /// and after each step, and the announced delays.
    private func runBackOffSteps(
        _ checker: CertificateChecker, box: EndToEndCheckerBox, steps: Int, count: () -> Int
    ) async throws -> (counts: [Int], delays: [TimeInterval]) {
        var status = await checker.checkAndSettle(reason: .startup)
        var counts = [count()]
        var delays: [TimeInterval] = []
        for _ in 0..<steps {
            let nextRetry = try #require(status.nextRetry)
            let delay = nextRetry.timeIntervalSince(try #require(status.lastCheck))
            delays.append(delay)
            // A visit during the back-off shows the last result and sends nothing.
            checker.check(reason: .homepageVisit)
            #expect(count() == counts.last)
            // A millisecond more: the timer is set in whole milliseconds, rounded up.
            box.clock.advance(by: .seconds(nextRetry.timeIntervalSince(box.clock.now) + 0.001))
            status = await checker.settled()
            counts.append(count())
        }
        return (counts, delays)
    }

    /// Odoo's service obtains a Let's Encrypt certificate while the box waits; 45 s and the
    /// product's 95 s are scaled by 1/10 here (4.5 s against 9.5 s) so the test is quick. The
    /// product's own 95 s is checked in `RetryPolicyTests`.
    @Test func aSlowIssuanceWithinTheTimeoutSucceedsWithOneRequest() async throws {
        let setup = try EndToEndSandboxSetup { $0.delay = .milliseconds(4500) }
        defer { setup.stop() }
        let checker = try setup.makeChecker(totalTimeout: .milliseconds(9500))

        let status = await checker.checkAndSettle(reason: .startup)

        #expect(status.state == .valid)
        #expect(status.error == nil)
        #expect(setup.provisioningRequests == 1)
        #expect(setup.box.sentRequests == 1)
        // The status update a new certificate sends must not outlive the test's server.
        checker.finishPendingStatusReports()
    }

    /// Accepts the request and never answers it.
    private struct SilentService: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPHandlerResult { .deferred { _ in } }
    }

    @Test func aServiceThatHangsGetsOneRequestPerBackOffStep() async throws {
        let counter = EndToEndCountingHandler(SilentService())
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL, settings: settings(origin: server.origin),
            totalTimeout: .milliseconds(1500))

        let (counts, delays) = try await runBackOffSteps(checker, box: box, steps: 2) { counter.provisioningRequests }

        #expect(checker.status.error?.cause == .requestFailed(.timedOutAfterSending))
        #expect(counts == [1, 2, 3])
        #expect(box.sentRequests == 3)
        #expect(delays == [30, 60])
    }

    @Test func aResetAfterTheRequestGetsOneRequestPerBackOffStep() async throws {
        let context = try TLSServerContext(
            certificateChainPEM: EndToEndPKI.localhost.chainPEM, privateKeyPEM: EndToEndPKI.localhost.keyPEM)
        let server = try FakeServer(tls: context, behaviour: .resetAfterRequest)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let url = "https://localhost:\(server.port)\(SandboxCertificateService.provisioningPath)"
        let checker = box.makeChecker(provisioningURL: url, settings: settings(origin: "https://localhost"))

        let (counts, delays) = try await runBackOffSteps(checker, box: box, steps: 3) { server.acceptedConnections }

        #expect(checker.status.error?.cause == .requestFailed(.resetAfterSending))
        #expect(counts == [1, 2, 3, 4])
        #expect(box.sentRequests == 4)
        #expect(delays == [30, 60, 120])
    }

    @Test func a500GetsOneRequestPerBackOffStep() async throws {
        let setup = try EndToEndSandboxSetup { $0.forcedStatus = 500 }
        defer { setup.stop() }
        let checker = try setup.makeChecker()

        let (counts, delays) = try await runBackOffSteps(checker, box: setup.box, steps: 3) {
            setup.provisioningRequests
        }

        #expect(checker.status.error?.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 500")
        #expect(counts == [1, 2, 3, 4])
        #expect(delays == [30, 60, 120])
    }

    @Test func aRefusedConnectionGetsItsQuickResendsAtEachStep() async throws {
        let (descriptor, port) = try TestSockets.refusingPort()
        defer { close(descriptor) }
        let url = "https://localhost:\(port)\(SandboxCertificateService.provisioningPath)"
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let checker = box.makeChecker(provisioningURL: url, settings: settings(origin: "https://localhost"))

        let (counts, delays) = try await runBackOffSteps(checker, box: box, steps: 2) { box.sentRequests }

        #expect(checker.status.error?.cause == .requestFailed(.connectionRefused))
        #expect(counts == [3, 6, 9])
        #expect(box.clock.sleeps == Array(repeating: .seconds(2), count: 6))
        #expect(delays == [30, 60])
    }

    @Test func a503WithRetryAfterWaitsThatLongAndSendsNothingBefore() async throws {
        let setup = try EndToEndSandboxSetup {
            $0.forcedStatus = 503
            $0.retryAfter = "600"
        }
        defer { setup.stop() }
        let checker = try setup.makeChecker()

        let status = await checker.checkAndSettle(reason: .startup)

        let lastCheck = try #require(status.lastCheck)
        #expect(status.nextRetry == lastCheck.addingTimeInterval(600))
        #expect(CertificateStatus.rfc3339(try #require(status.nextRetry)) == status.json["next_retry"]?.stringValue)
        #expect(setup.provisioningRequests == 1)
        setup.box.clock.advance(by: .seconds(599))
        checker.check(reason: .homepageVisit)
        #expect(!checker.isChecking)
        #expect(setup.provisioningRequests == 1)
        setup.box.clock.advance(by: .seconds(1))
        _ = await checker.settled()
        #expect(setup.provisioningRequests == 2)
    }

    @Test func backOffDelaysCarryTheirJitter() async throws {
        let setup = try EndToEndSandboxSetup { $0.forcedStatus = 500 }
        defer { setup.stop() }
        let draws = Mutex<[Double]>([0, 0.999_999, 0.25, 0.5])
        let checker = try setup.makeChecker(unitRandom: { draws.withLock { $0.removeFirst() } })

        let (_, delays) = try await runBackOffSteps(checker, box: setup.box, steps: 3) { 0 }

        #expect(delays[0] == 24)
        #expect(delays[1] > 71.99 && delays[1] < 72)
        #expect(delays[2] == 108)
    }

    /// The daily check lands at the box's own time of day, kept in its file across restarts.
    @Test func theDailyCheckRunsAtTheStoredTimeOfDay() throws {
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let path = box.directory.path + "/" + DailyCheckTime.fileName
        let now = box.clock.now
        let second = (Int(now.timeIntervalSince1970) + 3 * 3600) % 86_400
        box.directory.write(DailyCheckTime.fileName, "\(second)\n")
        var configuration = CertificateChecker.Configuration(provisioningURL: "https://localhost/x", identifier: "b")
        configuration.dailyCheckTimeFile = path
        let checker = CertificateChecker(
            configuration: configuration, store: box.makeStore(), inspector: OpenSSLCertificateInspector(),
            transport: EndToEndCountingTransport(HTTPClientProvisioningTransport()), settings: CertificateSettings(),
            clock: box.clock)

        checker.start()

        let expected = now.timeIntervalSince1970 + 3 * 3600
        #expect(box.clock.pendingDeadlines.contains { abs($0.timeIntervalSince1970 - expected) < 1 })
        #expect(box.directory.read(DailyCheckTime.fileName) == "\(second)\n")
    }
}
