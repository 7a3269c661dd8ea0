import HTTPCore
import Testing

@Suite struct ParserRequestLineTests {
    typealias T = ParserTestSupport

    @Test func simpleGetIsParsed() throws {
        let request = try #require(T.request("GET /index.html?a=1&b HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.method == "GET")
        #expect(request.target == "/index.html?a=1&b")
        #expect(request.path == "/index.html")
        #expect(request.query == "a=1&b")
        #expect(request.version == .http1_1)
        #expect(request.headers["host"] == "box")
        #expect(request.body.isEmpty)
    }

    @Test func pathWithoutQueryHasNilQuery() throws {
        let request = try #require(T.request("GET /a HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.query == nil)
    }

    @Test func methodIsCaseSensitive() throws {
        let request = try #require(T.request("get / HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.method == "get")
        #expect(request.method != "GET")
    }

    @Test func methodMustBeAToken() {
        #expect(T.parseError("GE(T / HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed method"))
        #expect(T.parseError("G\u{01}T / HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed method"))
    }

    @Test func unknownTokenMethodIsPassedOn() throws {
        let request = try #require(T.request("PURGE /x HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.method == "PURGE")
    }

    @Test func twoSpacesBetweenPartsAreRejected() {
        #expect(T.parseError("GET  / HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed request line"))
        #expect(T.parseError("GET /  HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed HTTP version"))
        #expect(T.parseError("GET / HTTP/1.1 \r\nHost: box\r\n\r\n") == T.badRequest("malformed HTTP version"))
        #expect(T.parseError("GET\t/ HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed method"))
    }

    @Test func absoluteFormYieldsPathAndQuery() throws {
        let request = try #require(T.request("GET http://box:8069/settings?x=1 HTTP/1.1\r\nHost: box:8069\r\n\r\n"))
        #expect(request.path == "/settings")
        #expect(request.query == "x=1")
        #expect(request.target == "http://box:8069/settings?x=1")
    }

    @Test func absoluteFormWithoutPathMeansRoot() throws {
        let request = try #require(T.request("GET HTTPS://box HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.path == "/")
        #expect(request.query == nil)
    }

    @Test func absoluteFormWithOtherSchemeIsRejected() {
        #expect(
            T.parseError("GET ftp://box/ HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed request target"))
        #expect(
            T.parseError("GET http:///x HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("malformed authority in absolute-form target"))
    }

    @Test func asteriskFormIsOnlyForOptions() throws {
        let request = try #require(T.request("OPTIONS * HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.path == "*")
        #expect(
            T.parseError("GET * HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("asterisk-form is only for OPTIONS"))
    }

    @Test func authorityFormIsOnlyForConnect() throws {
        let request = try #require(T.request("CONNECT box:443 HTTP/1.1\r\nHost: box:443\r\n\r\n"))
        #expect(request.path == "box:443")
        #expect(T.parseError("GET box:443 HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed request target"))
        #expect(
            T.parseError("CONNECT / HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("CONNECT needs an authority-form target"))
        #expect(
            T.parseError("CONNECT box HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("CONNECT needs an authority-form target"))
    }

    @Test func controlCharactersInTargetAreRejected() {
        #expect(
            T.parseError("GET /a\u{01}b HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("invalid character in request target"))
        #expect(
            T.parseError("GET /a\u{7F} HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("invalid character in request target"))
        #expect(
            T.parseError("GET /a\rb HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("invalid character in request target"))
        #expect(
            T.parseError("GET /a#frag HTTP/1.1\r\nHost: box\r\n\r\n")
                == T.badRequest("invalid character in request target"))
    }

    @Test func nonASCIIBytesInTargetAreRejected() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /".utf8) + [0xC3, 0xA9] + Array(" HTTP/1.1\r\nHost: box\r\n\r\n".utf8))
        #expect(T.parseError(T.drain(&parser)) == T.badRequest("invalid character in request target"))
    }

    @Test func http10IsAcceptedWithoutHost() throws {
        let request = try #require(T.request("GET / HTTP/1.0\r\n\r\n"))
        #expect(request.version == .http1_0)
    }

    @Test func wellFormedOtherVersionsGet505() {
        #expect(T.errorStatus("GET / HTTP/2.0\r\nHost: box\r\n\r\n") == 505)
        #expect(T.errorStatus("GET / HTTP/1.2\r\nHost: box\r\n\r\n") == 505)
        #expect(T.errorStatus("GET / HTTP/0.9\r\nHost: box\r\n\r\n") == 505)
    }

    @Test func malformedVersionsGet400() {
        #expect(T.parseError("GET / HTTP/1.10\r\nHost: box\r\n\r\n") == T.badRequest("malformed HTTP version"))
        #expect(T.parseError("GET / http/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed HTTP version"))
        #expect(T.parseError("GET / HTTP/1\r\nHost: box\r\n\r\n") == T.badRequest("malformed HTTP version"))
        #expect(T.parseError("GET / HTTP/a.b\r\nHost: box\r\n\r\n") == T.badRequest("malformed HTTP version"))
        #expect(T.parseError("GET /\r\nHost: box\r\n\r\n") == T.badRequest("malformed request line"))
    }

    @Test func oneLeadingEmptyLineIsIgnored() throws {
        let request = try #require(T.request("\r\nGET / HTTP/1.1\r\nHost: box\r\n\r\n"))
        #expect(request.path == "/")
    }

    @Test func leadingEmptyLineSplitAcrossAppendsIsIgnored() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("\r".utf8))
        #expect(T.isNeedMore(parser.next()))
        parser.append(Array("\nGET / HTTP/1.1\r\nHost: box\r\n\r\n".utf8))
        #expect(T.requests(T.drain(&parser)).count == 1)
    }

    @Test func twoLeadingEmptyLinesAreRejected() {
        #expect(T.parseError("\r\n\r\nGET / HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("malformed method"))
    }

    @Test func bareLFLineEndingsAreRejected() {
        #expect(T.parseError("GET / HTTP/1.1\nHost: box\n\n") == T.badRequest("bare LF line ending"))
        #expect(T.parseError("GET / HTTP/1.1\r\nHost: box\n\r\n") == T.badRequest("bare LF line ending"))
        #expect(T.parseError("\nGET / HTTP/1.1\r\nHost: box\r\n\r\n") == T.badRequest("bare LF line ending"))
    }

    @Test func overlongRequestLineGets414BeforeItsEnd() {
        let limits = T.limits { $0.maxRequestLineLength = 64 }
        let partial = "GET /" + String(repeating: "a", count: 100)
        #expect(T.errorStatus(partial, limits: limits) == 414)
        let exact = "GET /" + String(repeating: "a", count: 50) + " HTTP/1.1"
        #expect(exact.utf8.count <= 64)
        #expect(T.request(exact + "\r\nHost: box\r\n\r\n", limits: limits) != nil)
    }
}
