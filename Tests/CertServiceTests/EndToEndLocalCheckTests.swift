import Foundation
import HTTPCore
import Sandbox
import Testing

@testable import CertService

/// The outcomes a check reaches before asking the certificate service anything: each is
/// proved against a live sandbox that must see no request.
@Suite struct EndToEndLocalCheckTests {
    @Test func missingServerURLGivesCheckNoServerAndSendsNothing() async throws {
        let setup = try EndToEndSandboxSetup()
        defer { setup.stop() }
        var settings = try setup.settings()
        settings.serverURL = nil
        let checker = try setup.makeChecker(settings: settings)

        let status = await checker.checkAndSettle()

        #expect(status.state == .error)
        #expect(status.error?.code == .checkNoServer)
        #expect(status.error?.displayCode == "ERR_IOT_HTTPS_CHECK_NO_SERVER")
        #expect(setup.provisioningRequests == 0)
    }

    @Test func unreadableCertificateFileGivesCertReadExceptionAndIsKept() async throws {
        let setup = try EndToEndSandboxSetup()
        defer { setup.stop() }
        let box = setup.box
        try FileManager.default.createDirectory(
            atPath: box.directory.path + "/tls", withIntermediateDirectories: true)
        let garbage = "this is not a certificate\n"
        box.directory.write("tls/cert.pem", garbage)
        box.directory.write("tls/key.pem", "nor is this a key\n")
        let checker = try setup.makeChecker()

        let status = await checker.checkAndSettle()

        #expect(status.state == .error)
        #expect(status.error?.code == .checkCertReadException)
        #expect(status.error?.detail.contains(box.certificatePath) == true)
        #expect(box.directory.read("tls/cert.pem") == garbage)
        #expect(setup.provisioningRequests == 0)
    }

    @Test func missingCredentialsGiveLoadNoCredentialAndSendNothing() async throws {
        let setup = try EndToEndSandboxSetup()
        defer { setup.stop() }
        let checker = try setup.makeChecker(
            settings: CertificateSettings(serverURL: setup.server.origin, dbUUID: nil, enterpriseCode: ""))

        let status = await checker.checkAndSettle()

        #expect(status.state == .error)
        #expect(status.error?.code == .loadNoCredential)
        #expect(status.error?.detail == "missing: database UUID and enterprise code")
        #expect(status.nextRetry == nil)
        #expect(setup.provisioningRequests == 0)
    }
}
