import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import CertService

/// One checker with fakes around it, in its own temp dir.
private final class CheckerHarness {
    static let provisioningURL = "https://provisioning.test/odoo-enterprise/iot/x509"
    static let serverURL = "https://shop.test"
    static let secret = "ENTERPRISE-SECRET-7731"

    let directory: TemporaryDirectory
    let clock = ManualCertificateClock(now: Date(timeIntervalSince1970: 1_800_000_000))
    let transport: FakeProvisioningTransport
    let log = CapturedLog()
    let stored = TestRecorder<String>()
    let checker: CertificateChecker

    init(
        settings: CertificateSettings = CertificateSettings(
            serverURL: CheckerHarness.serverURL, dbUUID: "db-uuid-1", enterpriseCode: CheckerHarness.secret),
        storeDirectory: String? = nil, holdRequests: Bool = false,
        unitRandom: @escaping @Sendable () -> Double = { 0.5 },
        schedulingPause: Duration = .zero,
        respond: @escaping FakeProvisioningTransport.Responder
    ) throws {
        directory = TemporaryDirectory(prefix: "cert-tests")
        transport = FakeProvisioningTransport(holdRequests: holdRequests, respond: respond)
        var configuration = CertificateChecker.Configuration(
            provisioningURL: Self.provisioningURL, identifier: "box-identifier")
        configuration.retry.quickResendDelay = .seconds(2)
        // 0.5 is the middle of the jitter: back-off delays are their nominal values.
        configuration.unitRandom = unitRandom
        let sink = stored
        checker = CertificateChecker(
            configuration: configuration, store: CertificateStore(dataDirectory: storeDirectory ?? directory.path),
            inspector: FakeCertificateInspector(), transport: transport, settings: settings,
            clock: schedulingPause == .zero ? clock : SlowSchedulingClock(clock, pause: schedulingPause),
            logger: log.logger, onCertificateStored: { chain, _ in sink.append(chain) })
    }

    deinit { directory.remove() }

    var now: Date { clock.now }

    func days(_ count: Double) -> Date { clock.now.addingTimeInterval(count * 86_400) }

    func storeCertificate(daysLeft: Double, cn: String = "*.abcd1234.odoo-iot.com", keyID: String = "k0") throws {
        try checker.store.replace(
            chainPEM: FakeCertificateInspector.chain(
                cn: cn, notBefore: days(-30), notAfter: days(daysLeft), keyID: keyID),
            keyPEM: FakeCertificateInspector.key(keyID))
    }

    /// Triggers a check and returns the status once it has settled.
    func check(_ reason: CheckReason = .homepageVisit, force: Bool = false) async -> CertificateStatus {
        checker.check(reason: reason, force: force)
        return await settle()
    }

    func settle() async -> CertificateStatus {
        await withCheckedContinuation { continuation in
            checker.waitForResult(upTo: .seconds(1_000_000_000)) { continuation.resume(returning: $0) }
        }
    }

    var provisioningRequests: Int { transport.requests(to: Self.provisioningURL) }
}

private func answerHTTP(_ status: Int, _ body: String = "") -> FakeProvisioningTransport.Responder {
    { _, _ in ProvisioningResponse(status: status, body: Array(body.utf8)) }
}

@Suite struct CertificateCheckerTests {
    @Test func validCertificateCostsNoNetworkTraffic() async throws {
        let harness = try CheckerHarness(respond: answerHTTP(500))
        try harness.storeCertificate(daysLeft: 60)
        let status = await harness.check()
        #expect(status.state == .valid)
        #expect(status.daysLeft == 60)
        #expect(status.subject == "*.abcd1234.odoo-iot.com")
        #expect(harness.transport.requests.isEmpty)
    }

    @Test func missingCertificateIsRequestedStoredAndReported() async throws {
        let holder = Mutex<Date>(.distantPast)
        let harness = try CheckerHarness { url, _ in
            if url.hasSuffix("update_certificate_status") { return ProvisioningResponse(status: 200, body: []) }
            let start = holder.withLock { $0 }
            return FakeProvisioningTransport.certificateAnswer(
                cn: "*.ab12cd34.odoo-iot.com", notBefore: start, notAfter: start.addingTimeInterval(90 * 86_400))
        }
        holder.withLock { $0 = harness.now }
        let status = await harness.check()
        #expect(status.state == .valid)
        #expect(status.subject == "*.ab12cd34.odoo-iot.com")
        #expect(harness.stored.all.count == 1)
        #expect(try harness.checker.store.read()?.keyPEM == FakeCertificateInspector.key("k1"))
        harness.checker.finishPendingStatusReports()
        let requests = harness.transport.requests
        #expect(requests.count == 2)
        #expect(requests[0].body.contains("\"db_uuid\": \"db-uuid-1\""))
        #expect(requests[1].url == "https://shop.test/iot/box/update_certificate_status")
        #expect(requests[1].body.contains("\"identifier\": \"box-identifier\""))
    }

    /// The status update goes to the customer's Odoo server, which may be slow or behind a
    /// firewall: the stored certificate must show as valid while the update is still out.
    @Test func slowStatusUpdateDoesNotHoldTheCheck() throws {
        let updateArrived = DispatchSemaphore(value: 0)
        let releaseUpdate = DispatchSemaphore(value: 0)
        let start = Mutex<Date>(.distantPast)
        let harness = try CheckerHarness { url, _ in
            if url.hasSuffix("update_certificate_status") {
                updateArrived.signal()
                releaseUpdate.wait()
                return ProvisioningResponse(status: 200, body: [])
            }
            let notBefore = start.withLock { $0 }
            return FakeProvisioningTransport.certificateAnswer(
                cn: "*.ab12cd34.odoo-iot.com", notBefore: notBefore, notAfter: notBefore.addingTimeInterval(90 * 86_400)
            )
        }
        start.withLock { $0 = harness.now }
        harness.checker.check(reason: .homepageVisit)
        // A generous bound only so a regression fails instead of hanging the suite.
        #expect(updateArrived.wait(timeout: .now() + 30) == .success)
        let statusDuringUpdate = harness.checker.status
        let checkingDuringUpdate = harness.checker.isChecking
        releaseUpdate.signal()
        harness.checker.finishPendingStatusReports()
        #expect(statusDuringUpdate.state == .valid)
        #expect(!checkingDuringUpdate)
        #expect(harness.transport.requests.count == 2)
    }

    @Test func thousandSimultaneousTriggersMakeOneRequest() async throws {
        let harness = try CheckerHarness(holdRequests: true, respond: answerHTTP(404))
        let checker = harness.checker
        DispatchQueue.concurrentPerform(iterations: 1000) { index in
            checker.check(reason: .homepageVisit, force: index % 2 == 0)
        }
        harness.transport.waitForArrival()
        harness.transport.release()
        let status = await harness.settle()
        #expect(harness.provisioningRequests == 1)
        #expect(status.error?.code == .loadRequestStatus)
    }

    @Test func noServerIsReportedFirst() async throws {
        let harness = try CheckerHarness(settings: CertificateSettings(), respond: answerHTTP(200))
        try harness.storeCertificate(daysLeft: 60)
        let status = await harness.check()
        #expect(status.error?.code == .checkNoServer)
        #expect(harness.transport.requests.isEmpty)
    }

    @Test func unreadableCertificateIsKeptAndReported() async throws {
        let harness = try CheckerHarness(respond: answerHTTP(200))
        try harness.checker.store.replace(chainPEM: "garbage", keyPEM: "garbage")
        let status = await harness.check()
        #expect(status.error?.code == .checkCertReadException)
        #expect(harness.transport.requests.isEmpty)
        #expect(try harness.checker.store.read()?.chainPEM == "garbage")
    }

    @Test func missingCredentialIsReportedWithoutRequest() async throws {
        let harness = try CheckerHarness(
            settings: CertificateSettings(serverURL: CheckerHarness.serverURL, dbUUID: "db", enterpriseCode: nil),
            respond: answerHTTP(200))
        let status = await harness.check()
        #expect(status.state == .error)
        #expect(status.error?.code == .loadNoCredential)
        #expect(status.error?.detail.contains("enterprise code") == true)
        #expect(harness.transport.requests.isEmpty)
    }

    /// A request that never left the box is sent twice more, seconds apart, before the back-off.
    @Test(arguments: [
        CertificateRequestFailure.connectionRefused, .connectTimedOut, .nameNotResolved, .nameResolutionTimedOut,
        .tlsHandshakeFailed, .resetBeforeSending,
    ])
    func aRequestThatNeverReachedTheServiceGetsTwoQuickResends(_ failure: CertificateRequestFailure) async throws {
        let harness = try CheckerHarness { _, _ throws(ProvisioningTransportFailure) in
            throw ProvisioningTransportFailure(cause: failure, detail: "POST x: \(failure.summary)")
        }
        let status = await harness.check()
        #expect(status.error?.cause == .requestFailed(failure))
        #expect(status.error?.code == .loadRequestException)
        #expect(status.error?.detail == "POST x: \(failure.summary)")
        #expect(harness.provisioningRequests == 3)
        #expect(harness.clock.sleeps == [.seconds(2), .seconds(2)])
        #expect(status.nextRetry != nil)
    }

    /// The service may be issuing a certificate for a request it received: it is not repeated
    /// before the back-off, whatever went wrong afterwards.
    @Test(arguments: [
        CertificateRequestFailure.timedOutAfterSending, .resetAfterSending, .closedAfterSending, .invalidAnswer,
    ])
    func aRequestThatReachedTheServiceIsSentOnce(_ failure: CertificateRequestFailure) async throws {
        let harness = try CheckerHarness { _, _ throws(ProvisioningTransportFailure) in
            throw ProvisioningTransportFailure(cause: failure, detail: "POST x: \(failure.summary)")
        }
        let status = await harness.check()
        #expect(status.error?.cause == .requestFailed(failure))
        #expect(harness.provisioningRequests == 1)
        #expect(harness.clock.sleeps.isEmpty)
        #expect(status.nextRetry != nil)
    }

    @Test(arguments: [500, 502, 503, 404, 429])
    func anyHTTPStatusIsSentOnce(_ code: Int) async throws {
        let harness = try CheckerHarness(respond: answerHTTP(code))
        #expect(await harness.check().displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS \(code)")
        #expect(harness.provisioningRequests == 1)
    }

    @Test func theLogNamesTheCause() async throws {
        let harness = try CheckerHarness { _, _ throws(ProvisioningTransportFailure) in
            throw ProvisioningTransportFailure(
                cause: .nameResolutionTimedOut, detail: "POST x: resolving www.odoo.com took too long")
        }
        _ = await harness.check()
        let lines = harness.log.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("certificate request failed (name resolution timed out)") })
    }

    @Test func refusalIsNoResult() async throws {
        let harness = try CheckerHarness(respond: answerHTTP(200, #"{"result":{"error":"not a production database"}}"#))
        let status = await harness.check()
        #expect(status.error?.code == .loadRequestNoResult)
        #expect(status.error?.detail.contains("not a production database") == true)
    }

    @Test func mismatchedOrExpiredCertificateIsRefusedAndOldFilesStay() async throws {
        let harness = try CheckerHarness(respond: answerHTTP(500))
        try harness.storeCertificate(daysLeft: 5)
        let before = try harness.checker.store.read()
        let now = harness.now
        harness.transport.setResponder { _, _ in
            var answer = FakeProvisioningTransport.certificateAnswer(
                cn: "*.x.odoo-iot.com", notBefore: now, notAfter: now.addingTimeInterval(90 * 86_400), keyID: "k1")
            answer.body = Array(
                String(decoding: answer.body, as: UTF8.self).replacingOccurrences(
                    of: "FAKEKEY k1", with: "FAKEKEY other"
                ).utf8)
            return answer
        }
        let mismatched = await harness.check()
        #expect(mismatched.error?.code == .loadInvalidCertificate)
        #expect(mismatched.state == .expiring)
        harness.transport.setResponder { _, _ in
            FakeProvisioningTransport.certificateAnswer(
                cn: "*.x.odoo-iot.com", notBefore: now.addingTimeInterval(-100 * 86_400),
                notAfter: now.addingTimeInterval(-1))
        }
        let expired = await harness.check(.checkNow, force: true)
        #expect(expired.error?.code == .loadInvalidCertificate)
        #expect(try harness.checker.store.read()?.chainPEM == before?.chainPEM)
        #expect(harness.stored.all.isEmpty)
    }

    @Test func unwritableStoreIsStoreException() async throws {
        let outer = TemporaryDirectory(prefix: "cert-tests")
        defer { outer.remove() }
        outer.write("plain", "a regular file")
        let harness = try CheckerHarness(storeDirectory: outer.path + "/plain", respond: answerHTTP(500))
        let now = harness.now
        harness.transport.setResponder { _, _ in
            FakeProvisioningTransport.certificateAnswer(
                cn: "*.x.odoo-iot.com", notBefore: now, notAfter: now.addingTimeInterval(90 * 86_400))
        }
        let status = await harness.check()
        #expect(status.error?.code == .storeException)
    }

    @Test func failuresBackOffFrom30SecondsToOneHour() async throws {
        let harness = try CheckerHarness(respond: answerHTTP(404))
        _ = await harness.check()
        var delays: [TimeInterval] = []
        for round in 1...9 {
            let status = harness.checker.status
            let nextRetry = try #require(status.nextRetry)
            let delay = nextRetry.timeIntervalSince(harness.now)
            delays.append(delay)
            // A visit during the back-off shows the last result and sends nothing.
            let visited = await harness.check()
            #expect(visited.nextRetry == nextRetry)
            #expect(harness.provisioningRequests == round)
            harness.clock.advance(by: .seconds(delay))
            _ = await harness.settle()
            #expect(harness.provisioningRequests == round + 1)
        }
        #expect(delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
    }

    /// A run counts as over only once its retry is set. Were the timer set after, whoever saw
    /// the run end and moved on at once (a test advancing its clock, as under load in
    /// `EndToEndRetryTests`) could pass the retry's time before the timer existed, and the timer
    /// would then be set from the later time. Scheduling here takes 300 ms to widen that gap.
    @Test func theRetryIsPendingWhenTheRunIsSeenToEnd() async throws {
        let harness = try CheckerHarness(schedulingPause: .milliseconds(300)) { _, _ in
            ProvisioningResponse(status: 503, body: [], retryAfter: "600")
        }
        harness.checker.check(reason: .startup)
        let giveUp = ContinuousClock.now + .seconds(30)
        while harness.checker.isChecking && ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(!harness.checker.isChecking)

        let nextRetry = try #require(harness.checker.status.nextRetry)
        #expect(nextRetry == harness.now.addingTimeInterval(600))
        #expect(harness.clock.pendingDeadlines == [nextRetry])
        harness.clock.advance(by: .seconds(600))
        _ = await harness.settle()
        #expect(harness.provisioningRequests == 2)
    }

    @Test func checkNowSkipsTheBackOff() async throws {
        let harness = try CheckerHarness(respond: answerHTTP(404))
        _ = await harness.check()
        _ = await harness.check()
        #expect(harness.provisioningRequests == 1)
        _ = await harness.check(.checkNow, force: true)
        #expect(harness.provisioningRequests == 2)
    }

    /// "Check now" while a request is out joins it: the service gets one request, and the
    /// person gets that request's result.
    @Test func checkNowDuringARequestJoinsIt() async throws {
        let harness = try CheckerHarness(holdRequests: true, respond: answerHTTP(404))
        harness.checker.check(reason: .homepageVisit)
        harness.transport.waitForArrival()
        harness.checker.check(reason: .checkNow, force: true)
        harness.checker.check(reason: .checkNow, force: true)
        // Enough for a second request too, so a regression fails here instead of hanging.
        harness.transport.release(2)
        let status = await harness.settle()
        #expect(status.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404")
        #expect(harness.provisioningRequests == 1)
    }

    @Test func waitingPageGetsCheckingAfterItsBound() async throws {
        let harness = try CheckerHarness(holdRequests: true, respond: answerHTTP(404))
        harness.checker.check(reason: .homepageVisit)
        harness.transport.waitForArrival()
        let early = Mutex<CertificateStatus?>(nil)
        harness.checker.waitForResult(upTo: .seconds(2)) { status in early.withLock { $0 = status } }
        #expect(early.withLock { $0 } == nil)
        harness.clock.advance(by: .seconds(2))
        #expect(early.withLock { $0 }?.state == .checking)
        harness.transport.release()
        #expect(await harness.settle().error?.code == .loadRequestStatus)
    }

    @Test func settingsSavedDuringARunGetAFreshRun() async throws {
        let harness = try CheckerHarness(holdRequests: true, respond: answerHTTP(404))
        harness.checker.check(reason: .homepageVisit)
        harness.transport.waitForArrival()
        harness.checker.updateSettings(
            serverURL: CheckerHarness.serverURL, dbUUID: "db-uuid-2", enterpriseCode: "other")
        harness.transport.release(2)
        _ = await harness.settle()
        let bodies = harness.transport.requests.map(\.body)
        #expect(bodies.count == 2)
        #expect(bodies.last?.contains("db-uuid-2") == true)
    }

    @Test func enterpriseCodeNeverReachesLogsOrDetails() async throws {
        let harness = try CheckerHarness { url, body throws(ProvisioningTransportFailure) in
            if body.contains("db-uuid-1") {
                return ProvisioningResponse(
                    status: 403, body: Array("code \(CheckerHarness.secret) is not allowed".utf8))
            }
            throw ProvisioningTransportFailure(
                cause: .resetAfterSending, detail: "failed sending \(CheckerHarness.secret)")
        }
        let status = await harness.check()
        #expect(status.error?.detail.contains(CheckerHarness.secret) == false)
        harness.checker.updateSettings(
            serverURL: CheckerHarness.serverURL, dbUUID: "db-2", enterpriseCode: CheckerHarness.secret)
        let second = await harness.settle()
        #expect(second.error?.detail.contains(CheckerHarness.secret) == false)
        let lines = harness.log.lines.withLock { $0 }
        #expect(!lines.isEmpty)
        #expect(!lines.contains { $0.contains(CheckerHarness.secret) })
    }
}

extension CertificateStatus {
    fileprivate var displayCode: String? { error?.displayCode }
}
