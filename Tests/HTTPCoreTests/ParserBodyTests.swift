import HTTPCore
import Testing

@Suite struct ParserBodyTests {
    typealias T = ParserTestSupport

    @Test func contentLengthBodyIsRead() throws {
        let request = try #require(T.request("POST /f HTTP/1.1\r\nHost: box\r\nContent-Length: 5\r\n\r\nhello"))
        #expect(request.body == Array("hello".utf8))
    }

    @Test func bodyWaitsForAllItsBytes() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /f HTTP/1.1\r\nHost: box\r\nContent-Length: 5\r\n\r\nhel".utf8))
        #expect(T.isNeedMore(parser.next()))
        #expect(parser.isReceivingBody)
        parser.append(Array("lo".utf8))
        #expect(T.requests(T.drain(&parser)).first?.body == Array("hello".utf8))
        #expect(!parser.isReceivingBody)
        #expect(parser.isIdle)
    }

    @Test func malformedContentLengthIsRejected() {
        for value in ["+5", "-1", " 5x", "", "0x5", "5 5", "1_0"] {
            let text = "POST / HTTP/1.1\r\nHost: box\r\nContent-Length: \(value)\r\n\r\n"
            #expect(T.parseError(text) == T.badRequest("malformed Content-Length"), "Content-Length: \(value)")
        }
    }

    @Test func overflowingContentLengthIsRejected() {
        let text = "POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 99999999999999999999999\r\n\r\n"
        #expect(T.parseError(text) == T.badRequest("Content-Length overflows"))
    }

    @Test func contentLengthOverLimitGets413BeforeTheBody() {
        let limits = T.limits { $0.maxBodySize = 10 }
        #expect(T.errorStatus("POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 11\r\n\r\n", limits: limits) == 413)
    }

    @Test func equalContentLengthsAreAccepted() throws {
        let separate = try #require(
            T.request("POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"))
        #expect(separate.body == Array("ok".utf8))
        let listed = try #require(T.request("POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 2, 2\r\n\r\nok"))
        #expect(listed.body == Array("ok".utf8))
    }

    @Test func differingContentLengthsAreRejected() {
        #expect(
            T.parseError("POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok")
                == T.badRequest("conflicting Content-Length values"))
        #expect(
            T.parseError("POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 2, 3\r\n\r\nok")
                == T.badRequest("conflicting Content-Length values"))
    }

    @Test func transferEncodingWithContentLengthIsRejected() {
        let text = "POST / HTTP/1.1\r\nHost: box\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        #expect(T.parseError(text) == T.badRequest("Transfer-Encoding with Content-Length"))
    }

    @Test func unknownTransferCodingGets501() {
        #expect(T.errorStatus("POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501)
        #expect(T.errorStatus("POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: identity\r\n\r\n") == 501)
    }

    @Test func chunkedNotLastOrRepeatedIsRejected() {
        #expect(
            T.parseError("POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")
                == T.badRequest("chunked applied more than once"))
        #expect(
            T.parseError("POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: ,\r\n\r\n")
                == T.badRequest("empty Transfer-Encoding"))
    }

    @Test func transferEncodingInHTTP10IsRejected() {
        #expect(
            T.parseError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                == T.badRequest("Transfer-Encoding in an HTTP/1.0 request"))
    }

    @Test func chunkedBodyIsDecoded() throws {
        let text =
            "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\nA;name=value\r\n, world!!!\r\n0\r\n\r\n"
        let request = try #require(T.request(text))
        #expect(request.body == Array("hello, world!!!".utf8))
    }

    @Test func chunkSizeOverflowIsRejected() {
        let text = "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n"
        #expect(T.parseError(text) == T.badRequest("chunk size overflows"))
    }

    @Test func malformedChunkSizeIsRejected() {
        #expect(
            T.parseError("POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n")
                == T.badRequest("malformed chunk size"))
        #expect(
            T.parseError("POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n")
                == T.badRequest("malformed chunk size"))
    }

    @Test func chunkExtensionsAreBoundedByChunkLineLimit() {
        let limits = T.limits { $0.maxChunkLineLength = 16 }
        let long =
            "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 40)
        #expect(T.parseError(long, limits: limits) == T.badRequest("chunk line too long"))
    }

    @Test func missingCRLFAfterChunkDataIsRejected() {
        let text = "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"
        #expect(T.parseError(text) == T.badRequest("chunk data not followed by CRLF"))
    }

    @Test func trailersAreCheckedAndDiscarded() throws {
        let text = "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n"
        let request = try #require(T.request(text))
        #expect(request.body == Array("ok".utf8))
        #expect(request.headers["x-sum"] == nil)
        let malformed = "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n"
        #expect(T.parseError(malformed) == T.badRequest("whitespace before colon in header field"))
    }

    @Test func oversizedTrailersGet431() {
        let limits = T.limits { $0.maxTrailerSize = 32 }
        let text =
            "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: "
            + String(repeating: "t", count: 64)
        #expect(T.errorStatus(text, limits: limits) == 431)
    }

    @Test func chunkedBodyOverLimitGets413() {
        let limits = T.limits { $0.maxBodySize = 8 }
        let text =
            "POST / HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"
        #expect(T.errorStatus(text, limits: limits) == 413)
    }
}
