import HTTPCore
import Testing

@Suite struct ParserFlowTests {
    typealias T = ParserTestSupport

    @Test func expectContinueIsReportedOnceBeforeTheBody() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: box\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(T.isExpectContinue(parser.next()))
        #expect(T.isNeedMore(parser.next()))
        #expect(T.isNeedMore(parser.next()))
        parser.append(Array("ok".utf8))
        let events = T.drain(&parser)
        #expect(T.requests(events).first?.body == Array("ok".utf8))
        #expect(!events.contains { T.isExpectContinue($0) })
    }

    @Test func expectContinueIsSkippedWhenBodyAlreadyArrived() {
        let events = T.events("POST / HTTP/1.1\r\nHost: box\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok")
        #expect(!events.contains { T.isExpectContinue($0) })
        #expect(T.requests(events).count == 1)
    }

    @Test func expectContinueWorksForChunkedBodies() {
        var parser = HTTPRequestParser()
        parser.append(
            Array("POST / HTTP/1.1\r\nHost: box\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        #expect(T.isExpectContinue(parser.next()))
        parser.append(Array("2\r\nok\r\n0\r\n\r\n".utf8))
        #expect(T.requests(T.drain(&parser)).first?.body == Array("ok".utf8))
    }

    @Test func otherExpectationsGet417() {
        #expect(T.errorStatus("POST / HTTP/1.1\r\nHost: box\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nok") == 417)
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text =
            "GET /a HTTP/1.1\r\nHost: box\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: box\r\nContent-Length: 3\r\n\r\nxyz"
            + "GET /c HTTP/1.1\r\nHost: box\r\n\r\n"
            + "GET /d HTTP/1.1\r\nHo"
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        let events = T.drain(&parser)
        #expect(T.requests(events).map(\.path) == ["/a", "/b", "/c"])
        #expect(T.isNeedMore(events.last))
        #expect(parser.bufferedByteCount == "GET /d HTTP/1.1\r\nHo".utf8.count)
        #expect(!parser.isIdle)
        parser.append(Array("st: box\r\n\r\n".utf8))
        #expect(T.requests(T.drain(&parser)).map(\.path) == ["/d"])
        #expect(parser.isIdle)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func requestFedOneByteAtATimeIsParsed() throws {
        let text =
            "POST /upload?x=1 HTTP/1.1\r\nHost: box\r\nX-A:  v \r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: box\r\nContent-Length: 1\r\n\r\nz"
        var parser = HTTPRequestParser()
        var requests: [HTTPRequest] = []
        for byte in text.utf8 {
            parser.append([byte])
            let events = T.drain(&parser)
            #expect(T.errorStatus(events) == nil)
            requests += T.requests(events)
        }
        try #require(requests.count == 2)
        #expect(requests[0].path == "/upload")
        #expect(requests[0].query == "x=1")
        #expect(requests[0].headers["x-a"] == "v")
        #expect(requests[0].body == Array("abcde".utf8))
        #expect(requests[1].path == "/next")
        #expect(requests[1].body == Array("z".utf8))
        #expect(parser.isIdle)
    }

    @Test func errorIsRepeatedOnEveryLaterCall() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/9.9\r\nHost: box\r\n\r\n".utf8))
        let first = parser.next()
        parser.append(Array("GET / HTTP/1.1\r\nHost: box\r\n\r\n".utf8))
        let second = parser.next()
        let third = parser.next()
        for event in [first, second, third] {
            guard case .error(let error) = event else {
                Issue.record("expected an error, got \(event)")
                continue
            }
            #expect(error.status == 505)
        }
    }

    @Test func bufferIsReusedAcrossManyKeepAliveRequests() {
        var parser = HTTPRequestParser()
        var count = 0
        for index in 0..<1000 {
            parser.append(Array("GET /\(index) HTTP/1.1\r\nHost: box\r\n\r\nGET /x".utf8))
            parser.append(Array(" HTTP/1.1\r\nHost: box\r\n\r\n".utf8))
            count += T.requests(T.drain(&parser)).count
        }
        #expect(count == 2000)
        #expect(parser.bufferedByteCount == 0)
    }
}
