import Foundation
import HTTPCore
import Sandbox
import Testing

@testable import CertService

/// What happens to a certificate the service hands over: stored and reported, refused, or
/// not writable; the files on disk are checked each time.
@Suite struct EndToEndInstallTests {
    /// A pair from the sandbox CA that is still servable but inside the renewal window, so
    /// a check asks for a new one while there are old files to protect.
    private func storeExpiringPair(in box: EndToEndCheckerBox) throws -> (chain: [UInt8], key: [UInt8]) {
        let now = Date()
        let old = try EndToEndPKI.sandboxCA.issue(
            commonName: "*.0ld0ld00.odoo-iot.com", dnsNames: ["*.0ld0ld00.odoo-iot.com"],
            notBefore: now.addingTimeInterval(-EndToEndPKI.oneDay),
            notAfter: now.addingTimeInterval(5 * EndToEndPKI.oneDay))
        try box.makeStore().replace(chainPEM: old.chainPEM, keyPEM: old.keyPEM)
        return (Array(old.chainPEM.utf8), Array(old.keyPEM.utf8))
    }

    /// Checks a box that holds an expiring pair against `service`, and proves the pair is
    /// untouched afterwards.
    private func checkKeepingOldFiles(_ service: EndToEndScriptedService) async throws -> CertificateStatus {
        let server = try EndToEndTLSServer(handler: service)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let old = try storeExpiringPair(in: box)
        let stored = TestRecorder<String>()
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL,
            settings: CertificateSettings(serverURL: server.origin, dbUUID: "db-1", enterpriseCode: "M1"),
            onCertificateStored: { chain, _ in stored.append(chain) })

        let status = await checker.checkAndSettle()

        #expect(endToEndFileBytes(box.certificatePath) == old.chain)
        #expect(endToEndFileBytes(box.keyPath) == old.key)
        #expect(stored.all.isEmpty)
        #expect(status.state == .expiring)
        #expect(status.subject == "*.0ld0ld00.odoo-iot.com")
        return status
    }

    @Test func certificateWhoseKeyDoesNotMatchIsRefusedAndOldFilesStay() async throws {
        let now = Date()
        let issuer = EndToEndPKI.sandboxCA
        let first = try issuer.issue(
            commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com"],
            notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(90 * EndToEndPKI.oneDay))
        let second = try issuer.issue(
            commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com"],
            notBefore: now.addingTimeInterval(-60), notAfter: now.addingTimeInterval(90 * EndToEndPKI.oneDay))

        let status = try await checkKeepingOldFiles(
            .certificate(subject: "*.abcd1234.odoo-iot.com", chainPEM: first.chainPEM, keyPEM: second.keyPEM))

        #expect(status.error?.code == .loadInvalidCertificate)
        #expect(status.error?.detail == "the private key does not match the certificate")
    }

    @Test func alreadyExpiredCertificateIsRefusedAndOldFilesStay() async throws {
        let now = Date()
        let expiredEnd = now.addingTimeInterval(-EndToEndPKI.oneDay)
        let expired = try EndToEndPKI.sandboxCA.issue(
            commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com"],
            notBefore: now.addingTimeInterval(-30 * EndToEndPKI.oneDay), notAfter: expiredEnd)

        let status = try await checkKeepingOldFiles(
            .certificate(subject: "*.abcd1234.odoo-iot.com", chainPEM: expired.chainPEM, keyPEM: expired.keyPEM))

        #expect(status.error?.code == .loadInvalidCertificate)
        #expect(status.error?.detail.hasPrefix("the certificate expired on ") == true)
    }

    @Test func unwritableCertificatePathGivesStoreExceptionAndKeepsOtherFiles() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        let counter = EndToEndCountingHandler(sandbox)
        let server = try EndToEndTLSServer(handler: counter)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        // A regular file where the certificate's directory should be: no write can succeed
        // there, not even with root's rights.
        box.directory.write("blocker", "a file, not a directory\n")
        try FileManager.default.createDirectory(atPath: box.directory.path + "/keys", withIntermediateDirectories: true)
        box.directory.write("keys/key.pem", "an older key\n")
        let store = CertificateStore(
            certificatePath: box.directory.path + "/blocker/cert.pem", keyPath: box.directory.path + "/keys/key.pem")
        let stored = TestRecorder<String>()
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL,
            settings: SandboxCertificateService.settings(server, try sandbox.database(named: "demo-production")),
            store: store, onCertificateStored: { chain, _ in stored.append(chain) })

        let status = await checker.checkAndSettle()

        #expect(status.state == .error)
        #expect(status.error?.code == .storeException)
        #expect(
            status.error?.detail
                == "cannot prepare the certificate directory: mkdir \(box.directory.path)/blocker: Not a directory (errno 20)"
        )
        #expect(counter.provisioningRequests == 1)
        #expect(box.directory.read("blocker") == "a file, not a directory\n")
        #expect(box.directory.read("keys/key.pem") == "an older key\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.directory.path + "/keys") == ["key.pem"])
        #expect(stored.all.isEmpty)
        #expect(sandbox.statusUpdates.isEmpty)
    }

    @Test func eligibleDatabaseGetsAStoredCertificateAndTheEndDateIsReported() async throws {
        let sandbox = SandboxCertificateService.endToEnd()
        let server = try EndToEndTLSServer(handler: sandbox)
        defer { server.stop() }
        let box = try EndToEndCheckerBox()
        defer { box.remove() }
        let production = try sandbox.database(named: "demo-production")
        let stored = TestRecorder<String>()
        let checker = box.makeChecker(
            provisioningURL: server.provisioningURL, settings: SandboxCertificateService.settings(server, production),
            onCertificateStored: { chain, _ in stored.append(chain) })

        let status = await checker.checkAndSettle()

        #expect(status.state == .valid)
        #expect(status.error == nil)
        #expect(status.nextRetry == nil)
        #expect(status.subject == "*.\(production.subdomain).odoo-iot.com")
        #expect(status.daysLeft == 89 || status.daysLeft == 90)
        #expect(box.directory.mode(of: "tls/cert.pem") == 0o644)
        #expect(box.directory.mode(of: "tls/key.pem") == 0o600)
        let chain = try #require(box.directory.read("tls/cert.pem"))
        #expect(stored.all == [chain])
        let leaf = try #require(try X509Certificate.parseChain(pem: Array(chain.utf8)).first)
        #expect(leaf.subjectCommonName == status.subject)
        let key = try PrivateKey(pem: Array(try #require(box.directory.read("tls/key.pem")).utf8))
        #expect(leaf.matches(key))

        checker.finishPendingStatusReports()
        let updates = sandbox.statusUpdates
        #expect(updates.count == 1)
        #expect(updates.first?.identifier == "e2e-box")
        let end = try #require(updates.first?.certificateEndDate)
        #expect(end.wholeMatch(of: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/) != nil)
        #expect(end == ProvisioningProtocol.odooDateTime(leaf.notAfter))
    }
}
