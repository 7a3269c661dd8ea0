import Foundation
import Glibc
import HTTPCore
import TestSupport
import Testing

@Suite struct TLSContextHolderTests {
    static let okResponse = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    @Test func newConnectionsGetTheReplacedCertificate() throws {
        let ca = TLSTestSupport.makeCA()
        let first = try TLSTestSupport.makeLeaf(ca)
        let second = try TLSTestSupport.makeLeaf(ca)
        let holder = TLSContextHolder(
            try TLSServerContext(certificateChainPEM: first.certificate.pem, privateKeyPEM: first.key.pkcs8PEM))
        let server = try FakeServer(
            tls: TLSTransportFactory(holder: holder), behaviour: .respond(Self.okResponse))
        defer { server.stop() }

        #expect(try ServedCertificate.serial(port: server.port) == first.certificate.serialNumberHex)
        try holder.replace(certificateChainPEM: second.certificate.pem, privateKeyPEM: second.key.pkcs8PEM)
        #expect(try ServedCertificate.serial(port: server.port) == second.certificate.serialNumberHex)
    }

    @Test func failedReplaceKeepsTheOldContextServing() throws {
        let ca = TLSTestSupport.makeCA()
        let first = try TLSTestSupport.makeLeaf(ca)
        let second = try TLSTestSupport.makeLeaf(ca)
        let original = try TLSServerContext(
            certificateChainPEM: first.certificate.pem, privateKeyPEM: first.key.pkcs8PEM)
        let holder = TLSContextHolder(original)
        let server = try FakeServer(
            tls: TLSTransportFactory(holder: holder), behaviour: .respond(Self.okResponse))
        defer { server.stop() }

        #expect(throws: TLSError.keyMismatch) {
            try holder.replace(certificateChainPEM: second.certificate.pem, privateKeyPEM: first.key.pkcs8PEM)
        }
        #expect(holder.current === original)
        #expect(try ServedCertificate.serial(port: server.port) == first.certificate.serialNumberHex)
    }

    @Test func openKeyFileIsNarrowedToOwnerOnly() throws {
        try TLSTestSupport.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("key.pem").path
            try Data(PrivateKey.generateECP256().pkcs8PEM).write(to: URL(fileURLWithPath: file))
            #expect(chmod(file, 0o644) == 0)
            #expect(try tightenPrivateKeyPermissions(path: file))
            var info = stat()
            #expect(stat(file, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            #expect(try !tightenPrivateKeyPermissions(path: file))
        }
    }

    @Test func missingKeyFileIsReported() throws {
        try TLSTestSupport.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("absent.pem").path
            #expect(throws: TLSError.self) { try tightenPrivateKeyPermissions(path: file) }
        }
    }
}
