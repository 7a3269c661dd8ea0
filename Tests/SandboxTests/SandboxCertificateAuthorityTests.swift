import Foundation
import HTTPCore
import TestSupport
import Testing

@testable import Sandbox

/// The sandbox CA is one people are invited to trust: it signs only for `odoo-iot.com` names
/// and its own loopback listener, for a year.
@Suite struct SandboxCertificateAuthorityTests {
    /// One answer to every request, to see whether a TLS client accepts the server's certificate.
    private struct Hello: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
            .response(HTTPResponse(status: 200, contentType: "text/plain", body: "hello"))
        }
    }

    /// Serves `chain`/`key` on 127.0.0.1 and sends one request for `host` with OpenSSL's
    /// verification (HTTPCore's client) trusting only `caFile` beside the system store.
    private func fetch(host: String, chain: String, key: String, caFile: String) throws -> Result<
        Int, HTTPClientError
    > {
        var configuration = HTTPServerConfiguration()
        configuration.workers = 1
        let server = HTTPServer(configuration: configuration)
        let context = try TLSServerContext(certificateChainPEM: Array(chain.utf8), privateKeyPEM: Array(key.utf8))
        let port = try server.listen(
            host: "127.0.0.1", port: 0, transport: TLSTransportFactory(holder: TLSContextHolder(context))
        ).port
        try server.start(handler: Hello())
        defer {
            server.shutdown(gracePeriod: .zero)
            server.waitUntilStopped()
        }
        var client = HTTPClient.Configuration(extraCAFile: caFile, proxy: .direct)
        client.resolver = HTTPClientResolver { _ throws(HTTPClientError) in ["127.0.0.1"] }
        do {
            return .success(
                try HTTPClient(configuration: client).send(HTTPClientRequest(url: "https://\(host):\(port)/")).status)
        } catch {
            return .failure(error)
        }
    }

    private func withAuthority(_ body: (SandboxCertificateAuthority, String) throws -> Void) throws {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        let authority = try SandboxCertificateAuthority(directory: directory.path + "/sandbox")
        try body(authority, directory.path + "/sandbox/ca.pem")
    }

    @Test func itsOwnNamesAreAcceptedByAnOpenSSLClient() throws {
        try withAuthority { authority, caFile in
            let now = Date()
            let box = try authority.issue(
                commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com", "abcd1234.odoo-iot.com"],
                notBefore: now - 60, notAfter: now + 86_400)
            #expect(
                try fetch(host: "10-0-0-2.abcd1234.odoo-iot.com", chain: box.chainPEM, key: box.keyPEM, caFile: caFile)
                    == .success(200))
            let local = try authority.issue(
                commonName: "localhost", dnsNames: ["localhost"], notBefore: now - 60, notAfter: now + 86_400)
            #expect(
                try fetch(host: "localhost", chain: local.chainPEM, key: local.keyPEM, caFile: caFile) == .success(200))
        }
    }

    /// `openssl verify` on the chain alone, no host name involved: its last line.
    private func opensslVerify(leafChain: String, caFile: String) throws -> String {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        directory.write("leaf.pem", leafChain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["verify", "-CAfile", caFile, directory.path + "/leaf.pem"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    /// A certificate the CA signed for any other name fails verification: `*.com` would
    /// otherwise make every `.com` name an accepted address of the box.
    @Test(arguments: [["*.com"], ["evil.example"], ["www.odoo.com"], ["odoo-iot.com.evil.example"]])
    func aLeafOutsideTheConstraintFailsVerification(_ names: [String]) throws {
        try withAuthority { authority, caFile in
            let now = Date()
            let leaf = try authority.issue(
                commonName: names[0], dnsNames: names, notBefore: now - 60, notAfter: now + 86_400)
            let verified = try opensslVerify(leafChain: leaf.chainPEM, caFile: caFile)
            #expect(verified.contains("permitted subtree violation"), "\(names): \(verified)")
            #expect(!verified.contains(": OK"))
            guard !names[0].hasPrefix("*.") else { return }
            // And a TLS client asking for that very name refuses it for the same reason.
            let result = try fetch(host: names[0], chain: leaf.chainPEM, key: leaf.keyPEM, caFile: caFile)
            #expect(result == .failure(.certificateNotTrusted(detail: "permitted subtree violation")), "\(names)")
        }
    }

    @Test func aLeafInsideTheConstraintPassesOpenSSLVerify() throws {
        try withAuthority { authority, caFile in
            let now = Date()
            let leaf = try authority.issue(
                commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com", "abcd1234.odoo-iot.com"],
                notBefore: now - 60, notAfter: now + 86_400)
            #expect(try opensslVerify(leafChain: leaf.chainPEM, caFile: caFile).contains(": OK"))
        }
    }

    @Test func itLastsAYearAndCarriesItsConstraints() throws {
        try withAuthority { authority, caFile in
            let ca = try X509Certificate(pem: Array(authority.caCertificatePEM.utf8))
            #expect(abs(ca.notAfter.timeIntervalSinceNow - 365 * 86_400) < 300)
            let keyFile = caFile.replacingOccurrences(of: "ca.pem", with: "ca-key.pem")
            let keyPEM = try #require(FileManager.default.contents(atPath: keyFile))
            let loaded = try CertificateAuthority(
                certificatePEM: Array(authority.caCertificatePEM.utf8), keyPEM: Array(keyPEM))
            #expect(loaded.hasNameConstraints)
        }
    }

    @Test func aCertificateNeverOutlivesItsCA() throws {
        try withAuthority { authority, _ in
            let now = Date()
            let leaf = try authority.issue(
                commonName: "*.a.odoo-iot.com", dnsNames: ["*.a.odoo-iot.com"], notBefore: now - 60,
                notAfter: now + 3650 * 86_400)
            let parsed = try X509Certificate(pem: Array(leaf.chainPEM.utf8))
            #expect(parsed.notAfter == authority.notAfter)
        }
    }

    /// A CA made before the constraints, or near its end, is replaced; a fit one is kept.
    @Test func anUnconstrainedOrEndingCAIsReplaced() throws {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        let sandbox = directory.path + "/sandbox"
        try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
        let now = Date()
        let old = CertificateAuthority.create(
            commonName: "IoT Box Sandbox CA",
            validity: now.addingTimeInterval(-86_400)...now.addingTimeInterval(3650 * 86_400))
        try Data(old.certificate.pem).write(to: URL(fileURLWithPath: sandbox + "/ca.pem"))
        try Data(old.key.pkcs8PEM).write(to: URL(fileURLWithPath: sandbox + "/ca-key.pem"))

        let replaced = try SandboxCertificateAuthority(directory: sandbox)
        #expect(replaced.caCertificatePEM != String(decoding: old.certificate.pem, as: UTF8.self))
        #expect(directory.read("sandbox/ca.pem") == replaced.caCertificatePEM)

        let kept = try SandboxCertificateAuthority(directory: sandbox, now: now.addingTimeInterval(200 * 86_400))
        #expect(kept.caCertificatePEM == replaced.caCertificatePEM)
        let renewed = try SandboxCertificateAuthority(directory: sandbox, now: now.addingTimeInterval(300 * 86_400))
        #expect(renewed.caCertificatePEM != replaced.caCertificatePEM)
    }
}
