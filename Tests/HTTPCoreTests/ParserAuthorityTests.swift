import HTTPCore
import Testing

/// The request's authority, parsed once by the parser (RFC 9112 §3.2).
@Suite struct ParserAuthorityTests {
    typealias T = ParserTestSupport

    @Test func theHostFieldGivesTheAuthority() throws {
        let request = try #require(T.request("GET / HTTP/1.1\r\nHost: Box.Local:8080\r\n\r\n"))
        let authority = try #require(request.authority)
        #expect(authority.host == "Box.Local")
        #expect(authority.port == 8080)
        #expect(authority.kind == .registeredName)
    }

    @Test func anAbsoluteFormTargetWinsOverHost() throws {
        let request = try #require(T.request("GET http://[::1]:81/a?b HTTP/1.1\r\nHost: other\r\n\r\n"))
        let authority = try #require(request.authority)
        #expect(authority.kind == .ipv6)
        #expect(authority.host == "::1")
        #expect(authority.port == 81)
        #expect(request.path == "/a")
        #expect(request.query == "b")
    }

    @Test func connectGivesItsAuthorityForm() throws {
        let request = try #require(T.request("CONNECT box:443 HTTP/1.1\r\nHost: box:443\r\n\r\n"))
        #expect(request.authority?.port == 443)
    }

    @Test(arguments: ["bad/host name", "bad host", "box:99999", "a@b", "[::1", "", "h\u{e9}te"])
    func anInvalidHostValueIsRefusedWith400(value: String) {
        let events = T.events("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n")
        guard case .error(let error) = events.last else {
            Issue.record("accepted Host: \(value)")
            return
        }
        #expect(error == HTTPParseError(status: 400, reason: "invalid Host field value"))
    }

    @Test func anInvalidHostIsRefusedEvenWithAnAbsoluteFormTarget() {
        let events = T.events("GET http://box/ HTTP/1.1\r\nHost: bad host\r\n\r\n")
        guard case .error(let error) = events.last else {
            Issue.record("accepted")
            return
        }
        #expect(error.reason == "invalid Host field value")
    }

    @Test func http10WithoutHostIsAcceptedWithoutAuthority() throws {
        let request = try #require(T.request("GET / HTTP/1.0\r\n\r\n"))
        #expect(request.authority == nil)
    }

    @Test func aRequestBuiltByHandTakesItsAuthorityFromHost() {
        var headers = HTTPHeaders()
        headers.add("Host", "192.168.1.10:8069")
        let request = HTTPRequest(method: "GET", target: "/", path: "/", headers: headers)
        #expect(request.authority?.kind == .ipv4)
        #expect(request.authority?.port == 8069)
    }
}
