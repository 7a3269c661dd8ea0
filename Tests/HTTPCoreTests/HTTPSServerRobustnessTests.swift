import Foundation
import HTTPCore
import Testing

/// Clients that do not speak TLS properly cost their own connection and nothing else.
@Suite struct HTTPSServerRobustnessTests {
    @Test func aClientThatSendsNothingIsCutOffByTheHandshakeTimeout() throws {
        let fixture = try HTTPSServerFixture { $0.handshakeTimeout = .milliseconds(200) }
        defer { fixture.stop() }
        // The receive timeout (10 s) is only a bound for a broken server; the close comes far sooner.
        let silent = try HTTPSServerRawConnection(port: fixture.httpsPort)
        #expect(silent.serverClosesConnection())
    }

    @Test func aHalfSentHelloIsCutOffByTheHandshakeTimeout() throws {
        let fixture = try HTTPSServerFixture { $0.handshakeTimeout = .milliseconds(200) }
        defer { fixture.stop() }
        let stalled = try HTTPSServerRawConnection(port: fixture.httpsPort)
        stalled.send(Array(TLSProtocolVersionTests.clientHello(version: 0x0303).prefix(20)))
        #expect(stalled.serverClosesConnection())
    }

    @Test(arguments: [
        Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8),
        [0x16, 0x03, 0x01, 0x00, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        [UInt8](repeating: 0x00, count: 64),
    ])
    func garbageInsteadOfAHelloClosesOnlyThatConnection(_ garbage: [UInt8]) throws {
        // One loop, so the bad connection and the good ones share a thread. A short handshake
        // timeout bounds the case where OpenSSL waits for the rest of a record that never comes.
        let fixture = try HTTPSServerFixture(workers: 1) { $0.handshakeTimeout = .seconds(2) }
        defer { fixture.stop() }
        let established = try HTTPSServerKeepAliveClient(port: fixture.httpsPort, caFile: fixture.caFile)
        #expect(try established.get("/").status == 200)

        let bad = try HTTPSServerRawConnection(port: fixture.httpsPort)
        bad.send(garbage)
        #expect(bad.serverClosesConnection())

        #expect(try established.get("/page").body == HTTPSServerTestHandler.pageBody)
        #expect(try fixture.httpsGet("/").status == 200)
    }

    @Test func aClientThatFailsVerificationDoesNotDisturbTheListener() throws {
        let fixture = try HTTPSServerFixture(workers: 1)
        defer { fixture.stop() }
        let stranger = TLSTestSupport.makeCA("Unrelated CA")
        let strangerFile = fixture.directory.appendingPathComponent("stranger.pem")
        try Data(stranger.certificate.pem).write(to: strangerFile)
        var configuration = HTTPClient.Configuration(extraCAFile: strangerFile.path, proxy: .direct)
        configuration.resolver = HTTPClientResolver { _ in ["127.0.0.1"] }
        // Only the system store and an unrelated CA: the client must refuse, then the next one succeeds.
        let refusing = HTTPClient(configuration: configuration)

        #expect(throws: HTTPClientError.self) {
            try refusing.send(HTTPClientRequest(url: "https://localhost:\(fixture.httpsPort)/"))
        }
        #expect(try fixture.httpsGet("/").status == 200)
    }
}
