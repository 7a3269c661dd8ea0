import Foundation
import Glibc
import HTTPCore
import TestSupport
import Testing

/// Old protocol versions, checked with hand-built ClientHello messages so the result does not
/// depend on what the local OpenSSL client is still willing to offer.
@Suite struct TLSProtocolVersionTests {
    private static let ecdheECDSAWithAES128GCM: [UInt8] = [0xC0, 0x2B]
    private static let ecdheECDSAWithAES128CBC: [UInt8] = [0xC0, 0x09]

    /// A minimal ClientHello offering `version` (no supported_versions extension, so this is
    /// the highest version the client speaks) with ECDHE-ECDSA suites and P-256/X25519.
    static func clientHello(version: UInt16) -> [UInt8] {
        let suites = ecdheECDSAWithAES128GCM + ecdheECDSAWithAES128CBC
        let extensions: [UInt8] =
            [0x00, 0x0A, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1D, 0x00, 0x17]  // supported_groups
            + [0x00, 0x0B, 0x00, 0x02, 0x01, 0x00]  // ec_point_formats: uncompressed
            + [0x00, 0x0D, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x02, 0x03]  // signature_algorithms
        var body: [UInt8] = [UInt8(version >> 8), UInt8(version & 0xFF)]
        body += (0..<32).map { UInt8($0) }  // random
        body += [0x00]  // no session id
        body += [0x00, UInt8(suites.count)] + suites
        body += [0x01, 0x00]  // null compression only
        body += [UInt8(extensions.count >> 8), UInt8(extensions.count & 0xFF)] + extensions
        let handshake: [UInt8] = [0x01, 0x00, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [0x16, 0x03, 0x01, UInt8(handshake.count >> 8), UInt8(handshake.count & 0xFF)] + handshake
    }

    /// Sends `hello` to the server and returns the first bytes of its answer.
    static func firstAnswer(port: Int, hello: [UInt8]) throws -> [UInt8] {
        let descriptor = try TestSockets.connect(port: port)
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = send(descriptor, hello, hello.count, Int32(MSG_NOSIGNAL))
        var answer = [UInt8](repeating: 0, count: 16)
        let count = recv(descriptor, &answer, answer.count, Int32(MSG_WAITALL))
        return Array(answer.prefix(max(0, count)))
    }

    private func startServer() throws -> FakeServer {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca)
        let context = try TLSServerContext(certificateChainPEM: leaf.certificate.pem, privateKeyPEM: leaf.key.pkcs8PEM)
        return try FakeServer(tls: context, behaviour: .respond([]))
    }

    @Test func tls12HelloGetsAServerHello() throws {
        let server = try startServer()
        defer { server.stop() }
        let answer = try Self.firstAnswer(port: server.port, hello: Self.clientHello(version: 0x0303))
        #expect(answer.count >= 6)
        #expect(answer.first == 0x16)  // handshake record
        #expect(answer.count >= 6 && answer[5] == 0x02)  // ServerHello
    }

    @Test(arguments: [UInt16(0x0302), 0x0301])
    func olderHelloGetsAProtocolVersionAlert(_ version: UInt16) throws {
        let server = try startServer()
        defer { server.stop() }
        let answer = try Self.firstAnswer(port: server.port, hello: Self.clientHello(version: version))
        #expect(answer.count >= 7)
        #expect(answer.first == 0x15)  // alert record
        #expect(answer.count >= 7 && answer[6] == 70)  // protocol_version
    }
}
