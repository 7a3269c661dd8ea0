import Foundation
import HTTPCore
import Sandbox
import TestSupport
import Testing

@testable import CertService

/// Renewal into a live TLS listener, single flight under a crowd of visits, and the back-off
/// after a failure, all against the sandbox over real TLS.
@Suite struct EndToEndRenewalTests {
    /// The box's own HTTPS listener: a fixed page over whatever context the holder has.
    private struct BoxPage: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
            .response(HTTPResponse(status: 200, contentType: "text/plain", body: "box\n"))
        }
    }

    @Test func shortCertificateIsRenewedAndServedToNewConnectionsWithoutRestart() async throws {
        let setup = try EndToEndSandboxSetup { $0.validity = .seconds(5 * 86_400) }
        defer { setup.stop() }
        let box = setup.box
        // The box's listener starts on a placeholder, as a box's does before its first certificate.
        let boxListener = try EndToEndTLSServer(handler: BoxPage())
        defer { boxListener.stop() }
        let swapFailures = TestRecorder<String>()
        let holder = boxListener.holder
        let checker = try setup.makeChecker(
            onCertificateStored: { chain, key in
                do {
                    try holder.replace(certificateChainPEM: Array(chain.utf8), privateKeyPEM: Array(key.utf8))
                } catch {
                    swapFailures.append("\(error)")
                }
            })

        let first = await checker.checkAndSettle(reason: .startup)
        #expect(first.state == .expiring)
        #expect(first.daysLeft == 4 || first.daysLeft == 5)
        let firstSerial = try #require(try ServedCertificate.serial(ofPEMFile: box.certificatePath))
        #expect(try ServedCertificate.serial(port: boxListener.port, serverName: "box.test") == firstSerial)

        // Within the back-off a visit sends nothing; when it is due, the retry renews.
        checker.check(reason: .homepageVisit)
        #expect(!checker.isChecking)
        #expect(setup.provisioningRequests == 1)
        let dueIn = try #require(first.nextRetry).timeIntervalSince(box.clock.now)
        box.clock.advance(by: .seconds(dueIn + 1))
        let renewed = await checker.settled()

        #expect(renewed.state == .expiring)
        #expect(setup.provisioningRequests == 2)
        let secondSerial = try #require(try ServedCertificate.serial(ofPEMFile: box.certificatePath))
        #expect(secondSerial != firstSerial)
        #expect(try ServedCertificate.serial(port: boxListener.port, serverName: "box.test") == secondSerial)
        #expect(boxListener.server.listeners.count == 1)
        #expect(swapFailures.all.isEmpty)
    }

    @Test func thousandSimultaneousVisitsMakeOneRequest() async throws {
        // A slow answer keeps the run open while the visits arrive.
        let setup = try EndToEndSandboxSetup { $0.delay = .milliseconds(200) }
        defer { setup.stop() }
        let checker = try setup.makeChecker()

        DispatchQueue.concurrentPerform(iterations: 1000) { _ in checker.check(reason: .homepageVisit) }
        let status = await checker.settled()

        #expect(status.state == .valid)
        checker.finishPendingStatusReports()
        #expect(setup.provisioningRequests == 1)
        #expect(setup.sandbox.statusUpdates.count == 1)

        // With a valid certificate stored, visits cost no traffic at all.
        DispatchQueue.concurrentPerform(iterations: 1000) { _ in checker.check(reason: .homepageVisit) }
        #expect(await checker.settled().state == .valid)
        #expect(setup.provisioningRequests == 1)
    }

    @Test func visitDuringBackOffSendsNothingButCheckNowDoes() async throws {
        let setup = try EndToEndSandboxSetup { $0.forcedStatus = 404 }
        defer { setup.stop() }
        let checker = try setup.makeChecker()

        let failed = await checker.checkAndSettle(reason: .startup)
        #expect(failed.error?.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404")
        let nextRetry = try #require(failed.nextRetry)
        #expect(nextRetry == setup.box.clock.now.addingTimeInterval(30))
        #expect(setup.provisioningRequests == 1)

        setup.sandbox.updateKnobs { $0.forcedStatus = nil }
        setup.box.clock.advance(by: .seconds(29))
        let visited = await checker.checkAndSettle(reason: .homepageVisit)
        #expect(visited == failed)
        #expect(setup.provisioningRequests == 1)

        let forced = await checker.checkAndSettle(reason: .checkNow, force: true)
        #expect(forced.state == .valid)
        #expect(forced.nextRetry == nil)
        #expect(setup.provisioningRequests == 2)
    }
}
