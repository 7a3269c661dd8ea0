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
        let sandbox = SandboxCertificateService.endToEnd()
        sandbox.updateKnobs { $0.validity = .seconds(5 * 86_400) }
        let counter = EndToEndCountingHandler(sandbox)
        let service = try EndToEndTLSServer(handler: counter)
        defer { service.stop() }
        // The box's listener starts on a placeholder, as a box's does before its first certificate.
        let boxListener = try EndToEndTLSServer(handler: BoxPage())
        defer { boxListener.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let swapFailures = TestRecorder<String>()
        let holder = boxListener.holder
        let checker = box.makeChecker(
            provisioningURL: service.provisioningURL,
            settings: SandboxCertificateService.settings(service, try sandbox.database(named: "demo-production")),
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
        #expect(counter.provisioningRequests == 1)
        let dueIn = try #require(first.nextRetry).timeIntervalSince(box.clock.now)
        box.clock.advance(by: .seconds(dueIn + 1))
        let renewed = await checker.settled()

        #expect(renewed.state == .expiring)
        #expect(counter.provisioningRequests == 2)
        let secondSerial = try #require(try ServedCertificate.serial(ofPEMFile: box.certificatePath))
        #expect(secondSerial != firstSerial)
        #expect(try ServedCertificate.serial(port: boxListener.port, serverName: "box.test") == secondSerial)
        #expect(boxListener.server.listeners.count == 1)
        #expect(swapFailures.all.isEmpty)
    }

    @Test func thousandSimultaneousVisitsMakeOneRequest() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        // A slow answer keeps the run open while the visits arrive.
        sandbox.updateKnobs { $0.delay = .milliseconds(200) }
        let counter = EndToEndCountingHandler(sandbox)
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL,
            settings: SandboxCertificateService.settings(server, try sandbox.database(named: "demo-production")))

        DispatchQueue.concurrentPerform(iterations: 1000) { _ in checker.check(reason: .homepageVisit) }
        let status = await checker.settled()

        #expect(status.state == .valid)
        checker.finishPendingStatusReports()
        #expect(counter.provisioningRequests == 1)
        #expect(sandbox.statusUpdates.count == 1)

        // With a valid certificate stored, visits cost no traffic at all.
        DispatchQueue.concurrentPerform(iterations: 1000) { _ in checker.check(reason: .homepageVisit) }
        #expect(await checker.settled().state == .valid)
        #expect(counter.provisioningRequests == 1)
    }

    @Test func visitDuringBackOffSendsNothingButCheckNowDoes() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        sandbox.updateKnobs { $0.forcedStatus = 404 }
        let counter = EndToEndCountingHandler(sandbox)
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL,
            settings: SandboxCertificateService.settings(server, try sandbox.database(named: "demo-production")))

        let failed = await checker.checkAndSettle(reason: .startup)
        #expect(failed.error?.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404")
        let nextRetry = try #require(failed.nextRetry)
        #expect(nextRetry == box.clock.now.addingTimeInterval(30))
        #expect(counter.provisioningRequests == 1)

        sandbox.updateKnobs { $0.forcedStatus = nil }
        box.clock.advance(by: .seconds(29))
        let visited = await checker.checkAndSettle(reason: .homepageVisit)
        #expect(visited == failed)
        #expect(counter.provisioningRequests == 1)

        let forced = await checker.checkAndSettle(reason: .checkNow, force: true)
        #expect(forced.state == .valid)
        #expect(forced.nextRetry == nil)
        #expect(counter.provisioningRequests == 2)
    }
}
