import Testing

@testable import HTTPCore

@Suite struct ServerResponseEncoderTests {
    private func encode(
        _ response: HTTPResponse, isHead: Bool = false, version: HTTPVersion = .http1_1, keepAlive: Bool = true
    ) -> (text: String, closes: Bool) {
        var out: [UInt8] = []
        let closes = ServerResponseEncoder.encode(
            response, for: .init(isHead: isHead, version: version, keepAlive: keepAlive),
            date: Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8), serverName: Array("test".utf8), into: &out)
        return (String(decoding: out, as: UTF8.self), closes.closes)
    }

    @Test func responseHasStatusLineDateServerAndLength() {
        let result = encode(HTTPResponse(status: 200, contentType: "text/plain", body: "hi"))
        #expect(
            result.text
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Server: test\r\nContent-Length: 2\r\n\r\nhi")
        #expect(!result.closes)
    }

    @Test func noContentAndNotModifiedCarryNeitherBodyNorLength() {
        for status in [204, 304] {
            let text = encode(HTTPResponse(status: status, body: Array("x".utf8))).text
            #expect(!text.contains("Content-Length"))
            #expect(text.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func headKeepsTheLengthOfTheBodyItLeavesOut() {
        let withBody = encode(HTTPResponse(status: 200, body: Array("hello".utf8)), isHead: true).text
        #expect(withBody.contains("Content-Length: 5\r\n"))
        #expect(withBody.hasSuffix("\r\n\r\n"))
        var headers = HTTPHeaders()
        headers.add("Content-Length", "1234")
        let stated = encode(HTTPResponse(status: 200, headers: headers), isHead: true).text
        #expect(stated.contains("Content-Length: 1234\r\n"))
    }

    @Test func handlerAskingToCloseClosesTheConnection() {
        var headers = HTTPHeaders()
        headers.add("Connection", "close")
        let result = encode(HTTPResponse(status: 200, headers: headers))
        #expect(result.closes)
        #expect(result.text.contains("Connection: close\r\n"))
    }

    @Test func http10KeepAliveIsEchoed() {
        #expect(encode(HTTPResponse(status: 200), version: .http1_0).text.contains("Connection: keep-alive\r\n"))
        #expect(encode(HTTPResponse(status: 200), version: .http1_0, keepAlive: false).closes)
    }

    @Test func dateIsFormattedAsIMFFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
