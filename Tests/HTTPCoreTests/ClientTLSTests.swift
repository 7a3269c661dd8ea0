import Foundation
import HTTPCore
import TestSupport
import Testing

/// The client's certificate checks, against TLS test servers with certificates made here.
@Suite struct ClientTLSTests {
    static let hello = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello".utf8)

    private func server(chain: [UInt8], key: PrivateKey) throws -> FakeServer {
        let context = try TLSServerContext(certificateChainPEM: chain, privateKeyPEM: key.pkcs8PEM)
        return try FakeServer(tls: context, behaviour: .respond(Self.hello))
    }

    private func client(caFile: String?) -> HTTPClient {
        var configuration = HTTPClient.Configuration(extraCAFile: caFile, proxy: .direct)
        configuration.totalTimeout = .seconds(20)
        return HTTPClient(configuration: configuration)
    }

    private func expectError(
        _ expected: (HTTPClientError) -> Bool, _ client: HTTPClient, _ url: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do throws(HTTPClientError) {
            _ = try client.send(HTTPClientRequest(url: url))
            Issue.record("the request succeeded", sourceLocation: sourceLocation)
        } catch {
            #expect(expected(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func trustedServerAnswersOnceItsCAIsGiven() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca, names: ["localhost"])
        let server = try server(chain: leaf.certificate.pem + ca.certificate.pem, key: leaf.key)
        defer { server.stop() }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let caFile = directory.appendingPathComponent("ca.pem")
            try Data(ca.certificate.pem).write(to: caFile)
            let url = "https://localhost:\(server.port)/status?x=1"

            expectError({ if case .certificateNotTrusted = $0 { true } else { false } }, client(caFile: nil), url)

            let response = try client(caFile: caFile.path).send(HTTPClientRequest(url: url))
            #expect(response.status == 200)
            #expect(response.body == Array("hello".utf8))
            let served = server.observations.last
            #expect(served?.alpn == "http/1.1")
            #expect(served?.requestHead.hasPrefix("GET /status?x=1 HTTP/1.1\r\n") == true)
            #expect(served?.requestHead.contains("Host: localhost:\(server.port)\r\n") == true)
            #expect(served?.requestHead.contains("Connection: close\r\n") == true)
        }
    }

    @Test func selfSignedServerIsRefused() throws {
        let ca = TLSTestSupport.makeCA("localhost")
        let server = try server(chain: ca.certificate.pem, key: ca.key)
        defer { server.stop() }
        expectError(
            { if case .certificateNotTrusted(let detail) = $0 { detail.contains("self-signed") } else { false } },
            client(caFile: nil), "https://localhost:\(server.port)/")
    }

    @Test func wrongHostNameIsRefused() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca, names: ["elsewhere.test"])
        let server = try server(chain: leaf.certificate.pem, key: leaf.key)
        defer { server.stop() }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let caFile = directory.appendingPathComponent("ca.pem")
            try Data(ca.certificate.pem).write(to: caFile)
            expectError(
                { $0 == .hostnameMismatch(host: "localhost") }, client(caFile: caFile.path),
                "https://localhost:\(server.port)/")
            expectError(
                { $0 == .hostnameMismatch(host: "127.0.0.1") }, client(caFile: caFile.path),
                "https://127.0.0.1:\(server.port)/")
        }
    }

    @Test func expiredCertificateIsRefused() throws {
        let ca = TLSTestSupport.makeCA()
        let now = Date()
        let leaf = try TLSTestSupport.makeLeaf(
            ca, names: ["localhost"], notBefore: now.addingTimeInterval(-10 * TLSTestSupport.oneDay),
            notAfter: now.addingTimeInterval(-TLSTestSupport.oneDay))
        let server = try server(chain: leaf.certificate.pem, key: leaf.key)
        defer { server.stop() }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let caFile = directory.appendingPathComponent("ca.pem")
            try Data(ca.certificate.pem).write(to: caFile)
            expectError(
                { if case .certificateNotTrusted(let detail) = $0 { detail.contains("expired") } else { false } },
                client(caFile: caFile.path), "https://localhost:\(server.port)/")
        }
    }

    @Test func nonTLSPeerFailsTheHandshake() throws {
        let server = try FakeServer(
            behaviour: .greet(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)))
        defer { server.stop() }
        expectError(
            { if case .tlsHandshakeFailed = $0 { true } else { false } }, client(caFile: nil),
            "https://127.0.0.1:\(server.port)/")
    }

    @Test func unreadableCAFileIsReported() throws {
        try TLSTestSupport.withTemporaryDirectory { directory in
            let server = try FakeServer(behaviour: .respond(Self.hello))
            defer { server.stop() }
            let missing = directory.appendingPathComponent("absent.pem").path
            expectError(
                { if case .tlsHandshakeFailed(let detail) = $0 { detail.contains(missing) } else { false } },
                client(caFile: missing), "https://127.0.0.1:\(server.port)/")
        }
    }

    @Test func largeAndCloseDelimitedBodiesArriveWhole() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca, names: ["localhost"])
        let context = try TLSServerContext(
            certificateChainPEM: leaf.certificate.pem, privateKeyPEM: leaf.key.pkcs8PEM)
        // Larger than several TLS records, and framed only by close_notify.
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let server = try FakeServer(
            tls: context,
            behaviour: .respond(Array("HTTP/1.1 200 OK\r\n\r\n".utf8) + payload))
        defer { server.stop() }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let caFile = directory.appendingPathComponent("ca.pem")
            try Data(ca.certificate.pem).write(to: caFile)
            let response = try client(caFile: caFile.path).send(
                HTTPClientRequest(url: "https://localhost:\(server.port)/big"))
            #expect(response.body == payload)
        }
    }
}
