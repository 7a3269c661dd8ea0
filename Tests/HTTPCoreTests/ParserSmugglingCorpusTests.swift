import HTTPCore
import Testing

/// Request-smuggling and framing vectors, each with the outcome checked against nginx and the
/// h11 parser: where they differ, ours is the stricter one (a bare LF, obs-fold and
/// Transfer-Encoding with Content-Length or in HTTP/1.0 are refused; h11 accepts them).
@Suite struct ParserSmugglingCorpusTests {
    enum Outcome: Sendable, CustomStringConvertible {
        /// One request whose body has this many bytes.
        case accepted(bodyLength: Int)
        case refused(status: Int, reason: String)

        var description: String {
            switch self {
            case .accepted(let length): "accepted with \(length) body bytes"
            case .refused(let status, let reason): "refused with \(status) (\(reason))"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var head: String
        var rest: String
        var outcome: Outcome
        var testDescription: String { "\(name): \(outcome)" }
    }

    static let post = "POST /form HTTP/1.1\r\nHost: box\r\n"

    static let cases: [Case] = [
        Case(
            name: "CL and TE", head: post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", rest: "0\r\n\r\n",
            outcome: .refused(status: 400, reason: "Transfer-Encoding with Content-Length")),
        Case(
            name: "chunked twice", head: post + "Transfer-Encoding: chunked, chunked\r\n", rest: "0\r\n\r\n",
            outcome: .refused(status: 400, reason: "chunked applied more than once")),
        Case(
            name: "TE repeated", head: post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            rest: "0\r\n\r\n", outcome: .refused(status: 400, reason: "chunked applied more than once")),
        Case(
            name: "TE with leading spaces", head: post + "Transfer-Encoding:   chunked\r\n",
            rest: "1\r\na\r\n0\r\n\r\n",
            outcome: .accepted(bodyLength: 1)),
        Case(
            name: "TE in capitals", head: post + "Transfer-Encoding: CHUNKED\r\n", rest: "1\r\na\r\n0\r\n\r\n",
            outcome: .accepted(bodyLength: 1)),
        Case(
            name: "xchunked", head: post + "Transfer-Encoding: xchunked\r\n", rest: "0\r\n\r\n",
            outcome: .refused(status: 501, reason: "transfer coding not implemented")),
        Case(
            name: "gzip then chunked", head: post + "Transfer-Encoding: gzip, chunked\r\n", rest: "0\r\n\r\n",
            outcome: .refused(status: 501, reason: "transfer coding not implemented")),
        Case(
            name: "TE in obs-fold", head: post + "Transfer-Encoding:\r\n chunked\r\n", rest: "0\r\n\r\n",
            outcome: .refused(status: 400, reason: "obsolete line folding")),
        Case(
            name: "TE in HTTP/1.0", head: "POST /form HTTP/1.0\r\nTransfer-Encoding: chunked\r\n", rest: "0\r\n\r\n",
            outcome: .refused(status: 400, reason: "Transfer-Encoding in an HTTP/1.0 request")),
        Case(
            name: "CL with leading zeros", head: post + "Content-Length: 005\r\n", rest: "hello",
            outcome: .accepted(bodyLength: 5)),
        Case(
            name: "CL with plus", head: post + "Content-Length: +5\r\n", rest: "hello",
            outcome: .refused(status: 400, reason: "malformed Content-Length")),
        Case(
            name: "CL with inner space", head: post + "Content-Length: 5 5\r\n", rest: "hello",
            outcome: .refused(status: 400, reason: "malformed Content-Length")),
        Case(
            name: "CL list of equal values", head: post + "Content-Length: 5, 5\r\n", rest: "hello",
            outcome: .accepted(bodyLength: 5)),
        Case(
            name: "CL list of different values", head: post + "Content-Length: 5, 6\r\n", rest: "hello!",
            outcome: .refused(status: 400, reason: "conflicting Content-Length values")),
        Case(
            name: "CL with empty element", head: post + "Content-Length: 5,,5\r\n", rest: "hello",
            outcome: .refused(status: 400, reason: "malformed Content-Length")),
        Case(
            name: "CL overflowing", head: post + "Content-Length: 99999999999999999999999\r\n", rest: "",
            outcome: .refused(status: 400, reason: "Content-Length overflows")),
        Case(
            name: "space before colon", head: post + "Content-Length : 5\r\n", rest: "hello",
            outcome: .refused(status: 400, reason: "whitespace before colon in header field")),
        Case(
            name: "chunk extensions", head: post + "Transfer-Encoding: chunked\r\n",
            rest: "5;a=b;c=\"d\"\r\nhello\r\n0\r\n\r\n", outcome: .accepted(bodyLength: 5)),
        Case(
            name: "chunk size overflowing", head: post + "Transfer-Encoding: chunked\r\n",
            rest: "FFFFFFFFFFFFFFFFF1\r\nhello\r\n0\r\n\r\n",
            outcome: .refused(status: 400, reason: "chunk size overflows")),
        Case(
            name: "chunk data without CRLF", head: post + "Transfer-Encoding: chunked\r\n",
            rest: "5\r\nhelloX0\r\n\r\n",
            outcome: .refused(status: 400, reason: "chunk data not followed by CRLF")),
        Case(
            name: "chunk lines ended by LF", head: post + "Transfer-Encoding: chunked\r\n", rest: "5\nhello\n0\n\n",
            outcome: .refused(status: 400, reason: "bare LF in chunked body")),
        Case(
            name: "chunk size in 0x form", head: post + "Transfer-Encoding: chunked\r\n",
            rest: "0x5\r\nhello\r\n0\r\n\r\n",
            outcome: .refused(status: 400, reason: "malformed chunk size")),
        Case(
            name: "negative chunk size", head: post + "Transfer-Encoding: chunked\r\n",
            rest: "-5\r\nhello\r\n0\r\n\r\n",
            outcome: .refused(status: 400, reason: "malformed chunk size")),
        Case(
            name: "head lines ended by LF", head: "GET / HTTP/1.1\nHost: box\n", rest: "",
            outcome: .refused(status: 400, reason: "bare LF line ending")),
        Case(
            name: "NUL in a value", head: "GET / HTTP/1.1\r\nHost: box\r\nX: a\u{0}b\r\n", rest: "",
            outcome: .refused(status: 400, reason: "control character in header value")),
        Case(
            name: "bare CR in a value", head: "GET / HTTP/1.1\r\nHost: box\r\nX: a\rb\r\n", rest: "",
            outcome: .refused(status: 400, reason: "control character in header value")),
        Case(
            name: "two Host fields", head: "GET / HTTP/1.1\r\nHost: box\r\nHost: other\r\n", rest: "",
            outcome: .refused(status: 400, reason: "more than one Host field")),
        Case(
            name: "HTTP/1.2", head: "GET / HTTP/1.2\r\nHost: box\r\n", rest: "",
            outcome: .refused(status: 505, reason: "HTTP version not supported")),
    ]

    @Test(arguments: cases)
    func vectorHasItsExpectedOutcome(_ vector: Case) {
        let events = ParserTestSupport.events(vector.head + "\r\n" + vector.rest)
        switch vector.outcome {
        case .refused(let status, let reason):
            #expect(ParserTestSupport.parseError(events) == HTTPParseError(status: status, reason: reason))
        case .accepted(let length):
            let requests = ParserTestSupport.requests(events)
            #expect(requests.count == 1)
            #expect(requests.first?.body.count == length)
            #expect(ParserTestSupport.errorStatus(events) == nil)
        }
    }
}
