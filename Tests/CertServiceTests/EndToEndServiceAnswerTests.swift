import Foundation
import HTTPCore
import Sandbox
import Testing

@testable import CertService

/// The certificate service answered over TLS, but not with a certificate:
/// `ERR_IOT_HTTPS_LOAD_REQUEST_STATUS` and `ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT`.
@Suite struct EndToEndServiceAnswerTests {
    /// One check of a box with `database`'s credentials (production unless named) against
    /// `handler`; also returns how many certificate requests reached the server.
    private func check(
        _ handler: any HTTPHandler, sandbox: SandboxCertificateService, database: String = "demo-production"
    ) async throws -> (status: CertificateStatus, requests: Int) {
        let counter = EndToEndCountingHandler(handler)
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let chosen = try sandbox.database(named: database)
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL, settings: SandboxCertificateService.settings(server, chosen))
        let status = await checker.checkAndSettle()
        #expect(status.state == .error)
        #expect(status.nextRetry != nil)
        #expect(status.error?.detail.contains(chosen.enterpriseCode) == false)
        #expect(FileManager.default.fileExists(atPath: box.certificatePath) == false)
        return (status, counter.provisioningRequests)
    }

    private func checkScripted(_ handler: EndToEndScriptedService) async throws -> CertificateStatus {
        try await check(handler, sandbox: SandboxCertificateService.endToEnd()).status
    }

    @Test func notFoundGivesRequestStatus404() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        sandbox.updateKnobs { $0.forcedStatus = 404 }

        let (status, requests) = try await check(sandbox, sandbox: sandbox)

        #expect(status.error?.code == .loadRequestStatus)
        #expect(status.error?.httpStatus == 404)
        #expect(status.error?.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404")
        #expect(status.error?.detail.hasPrefix("the certificate service answered HTTP 404") == true)
        #expect(status.error?.advice.contains { $0.contains("404") } == true)
        // The service received the request: nothing is sent again before the back-off.
        #expect(requests == 1)
    }

    @Test func serverErrorGivesRequestStatus500WithOneRequest() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        sandbox.updateKnobs { $0.forcedStatus = 500 }

        let (status, requests) = try await check(sandbox, sandbox: sandbox)

        #expect(status.error?.code == .loadRequestStatus)
        #expect(status.error?.httpStatus == 500)
        #expect(status.error?.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 500")
        #expect(status.error?.detail.contains("500 Internal Server Error") == true)
        // The service received the request and may be acting on it: the back-off retries it.
        #expect(requests == 1)
        #expect(status.nextRetry != nil)
    }

    @Test func stagingDatabaseGivesNoResultWithTheRefusal() async throws {
        let sandbox = SandboxCertificateService.endToEnd()

        let (status, requests) = try await check(sandbox, sandbox: sandbox, database: "demo-staging")

        #expect(status.error?.code == .loadRequestNoResult)
        #expect(status.error?.httpStatus == nil)
        #expect(
            status.error?.detail
                == "the service refused: database demo-staging is a staging database; "
                + "only production databases get a certificate")
        #expect(requests == 1)
    }

    @Test func databaseWithoutIoTBoxLineGivesNoResultWithTheRefusal() async throws {
        let sandbox = SandboxCertificateService.endToEnd()

        let (status, _) = try await check(sandbox, sandbox: sandbox, database: "demo-no-iot-box-line")

        #expect(status.error?.code == .loadRequestNoResult)
        #expect(
            status.error?.detail
                == "the service refused: the subscription of demo-no-iot-box-line has no IoT box line")
    }

    @Test func bodyThatIsNotJSONGivesNoResult() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        sandbox.updateKnobs { $0.answerGarbage = true }

        let (status, _) = try await check(sandbox, sandbox: sandbox)

        #expect(status.error?.code == .loadRequestNoResult)
        #expect(
            status.error?.detail == "the answer is not a JSON object: <html>down for maintenance</html>")
    }

    @Test func resultFalseGivesNoResult() async throws {
        let status = try await checkScripted(.json(#"{"jsonrpc": "2.0", "id": null, "result": false}"#))

        #expect(status.error?.code == .loadRequestNoResult)
        #expect(status.error?.detail == "the service returned no certificate (result: false)")
    }

    @Test func jsonRPCErrorMemberGivesNoResultWithTheServerMessage() async throws {
        let status = try await checkScripted(
            .json(
                #"{"jsonrpc": "2.0", "id": null, "error": {"code": 200, "message": "Odoo Server Error", "#
                    + #""data": {"name": "odoo.exceptions.AccessDenied", "message": "Access Denied"}}}"#))

        #expect(status.error?.code == .loadRequestNoResult)
        #expect(status.error?.detail == "the service returned an error: Access Denied")
    }
}
