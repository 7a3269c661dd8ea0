import HTTPCore
import Testing

@Suite struct ParserHeaderFieldTests {
    typealias T = ParserTestSupport

    @Test func fieldsKeepOrderAndDuplicates() throws {
        let request = try #require(
            T.request("GET / HTTP/1.1\r\nHost: box\r\nX-A: 1\r\nx-a: 2\r\nAccept: */*\r\n\r\n"))
        #expect(request.headers.count == 4)
        #expect(request.headers.values(for: "X-A") == ["1", "2"])
        #expect(request.headers["accept"] == "*/*")
    }

    @Test func valueWhitespaceIsTrimmed() throws {
        let request = try #require(T.request("GET / HTTP/1.1\r\nHost:box\r\nX-A: \t a  b \t\r\n\r\n"))
        #expect(request.headers["host"] == "box")
        #expect(request.headers["x-a"] == "a  b")
    }

    @Test func emptyValueIsKept() throws {
        let request = try #require(T.request("GET / HTTP/1.1\r\nHost: box\r\nX-Empty:\r\n\r\n"))
        #expect(request.headers["x-empty"] == "")
    }

    @Test func whitespaceBeforeColonIsRejected() {
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost : box\r\n\r\n")
                == T.badRequest("whitespace before colon in header field"))
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A\t: 1\r\n\r\n")
                == T.badRequest("whitespace before colon in header field"))
    }

    @Test func nonTokenFieldNameIsRejected() {
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX(A): 1\r\n\r\n")
                == T.badRequest("malformed header field name"))
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\n: 1\r\n\r\n") == T.badRequest("malformed header field name"))
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nNoColon\r\n\r\n")
                == T.badRequest("malformed header field name"))
    }

    @Test func obsoleteLineFoldingIsRejected() {
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A: 1\r\n 2\r\n\r\n") == T.badRequest("obsolete line folding")
        )
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A: 1\r\n\t2\r\n\r\n")
                == T.badRequest("obsolete line folding"))
    }

    @Test func controlCharactersInValueAreRejected() {
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A: a\u{01}b\r\n\r\n")
                == T.badRequest("control character in header value"))
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A: a\u{7F}b\r\n\r\n")
                == T.badRequest("control character in header value"))
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A: a\rb\r\n\r\n")
                == T.badRequest("control character in header value"))
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: box\r\nX-A: a\u{00}b\r\n\r\n")
                == T.badRequest("control character in header value"))
    }

    @Test func tabAndHighBytesInValueAreAllowed() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: box\r\nX-A: a\tb ".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8))
        let request = try #require(T.requests(T.drain(&parser)).first)
        #expect(request.headers["x-a"] == "a\tb é")
    }

    @Test func http11WithoutHostIsRejected() {
        #expect(T.parseError("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == T.badRequest("HTTP/1.1 request without Host"))
    }

    @Test func twoHostFieldsAreRejected() {
        #expect(
            T.parseError("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == T.badRequest("more than one Host field"))
        #expect(
            T.parseError("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n") == T.badRequest("more than one Host field"))
    }

    @Test func tooManyFieldsGet431() {
        let limits = T.limits { $0.maxHeaderCount = 3 }
        #expect(T.request("GET / HTTP/1.1\r\nHost: box\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits) != nil)
        #expect(T.errorStatus("GET / HTTP/1.1\r\nHost: box\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == 431)
    }

    @Test func oversizedHeaderBlockGets431() {
        let limits = T.limits { $0.maxHeaderBlockSize = 64 }
        let big = "GET / HTTP/1.1\r\nHost: box\r\nX-Big: " + String(repeating: "b", count: 80) + "\r\n\r\n"
        #expect(T.errorStatus(big, limits: limits) == 431)
    }

    @Test func oversizedHeaderBlockGets431BeforeItsEnd() {
        let limits = T.limits { $0.maxHeaderBlockSize = 64 }
        let partial = "GET / HTTP/1.1\r\nHost: box\r\nX-Big: " + String(repeating: "b", count: 80)
        #expect(T.errorStatus(partial, limits: limits) == 431)
    }
}
