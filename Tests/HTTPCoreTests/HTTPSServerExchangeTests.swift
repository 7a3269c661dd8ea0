import Foundation
import HTTPCore
import Testing

/// The HTTPS listener as the product runs it (`HTTPServer` + `TLSTransportFactory` +
/// `TLSContextHolder`), exercised over real sockets with real clients.
@Suite struct HTTPSServerExchangeTests {
    private static func pipelinedRequests(_ paths: [String]) -> [UInt8] {
        var text = ""
        for (index, path) in paths.enumerated() {
            let isLast = index == paths.count - 1
            text += "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\(isLast ? "Connection: close\r\n" : "")\r\n"
        }
        return Array(text.utf8)
    }

    @Test(arguments: ["-tls1_3", "-tls1_2"])
    func tlsAnswerMatchesThePlainAnswer(_ versionFlag: String) throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let plain = try fixture.plainGet("/page")

        let output = try HTTPSServerOpenSSL.sClient(
            port: fixture.httpsPort,
            arguments: [
                versionFlag, "-quiet", "-servername", "localhost", "-CAfile", fixture.caFile, "-verify_return_error",
            ],
            input: Self.pipelinedRequests(["/page"]))
        let answers = HTTPSServerResponseSplitter.split(Array(output.standardOutput.utf8))

        #expect(output.status == 0, "\(output.standardError)")
        #expect(plain.status == 200)
        #expect(answers.count == 1)
        #expect(answers.first?.status == plain.status)
        #expect(answers.first?.contentType == plain.headers["Content-Type"])
        #expect(answers.first?.body == plain.body)
        #expect(answers.first?.body == HTTPSServerTestHandler.pageBody)
    }

    @Test func handlerSeesTheRequestAsSecure() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        #expect(try fixture.httpsGet("/scheme").body == Array("https".utf8))
        #expect(try fixture.plainGet("/scheme").body == Array("http".utf8))
    }

    @Test func oneTLSConnectionServesSeveralRequests() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let client = try HTTPSServerKeepAliveClient(port: fixture.httpsPort, caFile: fixture.caFile)
        for path in ["/", "/page", "/missing", "/"] {
            let response = try client.get(path)
            #expect(response.status == (path == "/missing" ? 404 : 200))
            #expect(response.headers["Connection"]?.lowercased() != "close")
        }
    }

    @Test func pipelinedRequestsOverTLSAreAnsweredInOrder() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let output = try HTTPSServerOpenSSL.sClient(
            port: fixture.httpsPort, arguments: ["-quiet", "-servername", "localhost"],
            input: Self.pipelinedRequests(["/", "/page", "/missing", "/"]))
        let answers = HTTPSServerResponseSplitter.split(Array(output.standardOutput.utf8))

        #expect(answers.map(\.status) == [200, 200, 404, 200])
        #expect(answers.count == 4 && answers[1].body == HTTPSServerTestHandler.pageBody)
    }

    @Test(arguments: [UInt16(0x0302), 0x0301])
    func tls10And11AreRefused(_ version: UInt16) throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let answer = try TLSProtocolVersionTests.firstAnswer(
            port: fixture.httpsPort, hello: TLSProtocolVersionTests.clientHello(version: version))
        #expect(answer.first == 0x15)  // alert record
        #expect(answer.count >= 7 && answer[6] == 70)  // protocol_version
    }

    @Test func aTLS12HelloGetsAServerHello() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let answer = try TLSProtocolVersionTests.firstAnswer(
            port: fixture.httpsPort, hello: TLSProtocolVersionTests.clientHello(version: 0x0303))
        #expect(answer.first == 0x16)  // handshake record
        #expect(answer.count >= 6 && answer[5] == 0x02)  // ServerHello
    }

    /// The TLS 1.2 suite `s_client` ends up with when it offers `offered` in that order.
    private static func negotiatedTLS12Suite(port: Int, offered: [String]) throws -> String? {
        let output = try HTTPSServerOpenSSL.sClient(
            port: port, arguments: ["-tls1_2", "-cipher", offered.joined(separator: ":"), "-brief"], input: nil)
        let line = (output.standardOutput + output.standardError).split(separator: "\n")
            .first { $0.hasPrefix("Ciphersuite:") }
        return line.map { $0.dropFirst("Ciphersuite:".count).trimmingCharacters(in: .whitespaces) }
    }

    @Test func theServersSuiteOrderWinsOverTheClients() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let suite = try Self.negotiatedTLS12Suite(
            port: fixture.httpsPort, offered: ["ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256"])
        #expect(suite == "ECDHE-ECDSA-AES128-GCM-SHA256")
    }

    @Test func aClientPreferringChaCha20GetsIt() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let suite = try Self.negotiatedTLS12Suite(
            port: fixture.httpsPort, offered: ["ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-GCM-SHA256"])
        #expect(suite == "ECDHE-ECDSA-CHACHA20-POLY1305")
    }

    @Test func theIntermediateIsSentSoAClientTrustingOnlyTheRootVerifies() throws {
        try TLSTestSupport.withTemporaryDirectory { directory in
            let made = try HTTPSServerOpenSSL.makeThreeLevelChain(in: directory)
            let fixture = try HTTPSServerFixture(chain: (made.chainPEM, made.keyPEM))
            defer { fixture.stop() }

            let response = try fixture.httpsGet("/", caFile: made.rootFile)
            let served = try fixture.servedChain()

            #expect(response.status == 200)
            #expect(
                served.map(\.sha256FingerprintHex)
                    == [fixture.initialLeaf.sha256FingerprintHex, made.intermediate.sha256FingerprintHex])
        }
    }

    @Test func aListenerOpenedAfterStartServes() throws {
        let fixture = try HTTPSServerFixture(openTLSAfterStart: true)
        defer { fixture.stop() }
        #expect(try fixture.plainGet("/").status == 200)
        let response = try fixture.httpsGet("/page")
        #expect(response.status == 200)
        #expect(response.body == HTTPSServerTestHandler.pageBody)
        #expect(fixture.server.listeners.map(\.isSecure) == [false, true])
    }
}
