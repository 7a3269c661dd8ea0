import Foundation
import Glibc
import HTTPCore
import Sandbox
import TestSupport
import Testing

/// The listener side of TLS, checked from the outside with `openssl s_client` as the peer.
@Suite struct TLSServerContextTests {
    static let okResponse = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)

    /// A holder serving a fresh leaf (sent with its CA) and a test server using it.
    private func startServer(
        _ ca: CertificateAuthority
    ) throws -> (server: FakeServer, holder: TLSContextHolder, leaf: X509Certificate) {
        let leaf = try TLSTestSupport.makeLeaf(ca)
        let context = try TLSServerContext(
            certificateChainPEM: leaf.certificate.pem + ca.certificate.pem, privateKeyPEM: leaf.key.pkcs8PEM)
        let holder = TLSContextHolder(context)
        let server = try FakeServer(
            tls: TLSTransportFactory(holder: holder), behaviour: .respond(Self.okResponse))
        return (server, holder, leaf.certificate)
    }

    private func sClient(_ port: Int, _ options: [String]) throws -> TLSTestSupport.ProcessOutput {
        try TLSTestSupport.run(
            "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"] + options)
    }

    @Test func tls13HandshakeSucceeds() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        let output = try sClient(server.port, ["-tls1_3"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("TLSv1.3"))
    }

    @Test func tls12HandshakeUsesForwardSecretAEADSuite() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        let output = try sClient(server.port, ["-tls1_2"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("Cipher is ECDHE-ECDSA-AES"))
    }

    @Test func tls12WithoutForwardSecrecyIsRefused() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        let output = try sClient(server.port, ["-tls1_2", "-cipher", "AES128-GCM-SHA256"])
        #expect(output.status != 0)
    }

    @Test func alpnSelectsHTTP11() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        let output = try sClient(server.port, ["-alpn", "h2,http/1.1"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("ALPN protocol: http/1.1"))
    }

    @Test func clientWithoutALPNIsAccepted() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        let output = try sClient(server.port, [])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("No ALPN negotiated"))
    }

    @Test func wholeChainIsSent() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        let output = try sClient(server.port, ["-showcerts"])
        #expect(output.status == 0)
        let blocks = output.standardOutput.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
        #expect(blocks == 2)
    }

    @Test func tls12SessionIsResumed() throws {
        let (server, _, _) = try startServer(TLSTestSupport.makeCA())
        defer { server.stop() }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let session = directory.appendingPathComponent("session.pem").path
            let first = try sClient(server.port, ["-tls1_2", "-sess_out", session])
            #expect(first.status == 0)
            let second = try sClient(server.port, ["-tls1_2", "-sess_in", session])
            #expect(second.status == 0)
            #expect(second.standardOutput.contains("Reused, TLSv1.2"))
        }
    }

    @Test func mismatchedKeyIsRefused() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca)
        #expect(throws: TLSError.keyMismatch) {
            try TLSServerContext(
                certificateChainPEM: leaf.certificate.pem, privateKeyPEM: PrivateKey.generateECP256().pkcs8PEM)
        }
    }

    @Test func unreadableInputsAreNamed() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca)
        #expect(throws: TLSError.self) {
            try TLSServerContext(certificateChainPEM: Array("junk".utf8), privateKeyPEM: leaf.key.pkcs8PEM)
        }
        #expect(throws: TLSError.self) {
            try TLSServerContext(certificateChainPEM: leaf.certificate.pem, privateKeyPEM: Array("junk".utf8))
        }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("absent.pem").path
            do throws(TLSError) {
                _ = try TLSServerContext(certificateFile: missing, keyFile: missing)
                Issue.record("a missing file was accepted")
            } catch {
                guard case .fileUnreadable(let path, _) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(path == missing)
            }
        }
    }

    @Test func contextLoadsFromFiles() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca)
        try TLSTestSupport.withTemporaryDirectory { directory in
            let certificateFile = directory.appendingPathComponent("cert.pem")
            let keyFile = directory.appendingPathComponent("key.pem")
            try Data(leaf.certificate.pem + ca.certificate.pem).write(to: certificateFile)
            try Data(leaf.key.pkcs8PEM).write(to: keyFile)
            let context = try TLSServerContext(certificateFile: certificateFile.path, keyFile: keyFile.path)
            #expect(context.certificateChain.count == 2)
            #expect(context.certificateChain[0].serialNumberHex == leaf.certificate.serialNumberHex)
        }
    }
}
