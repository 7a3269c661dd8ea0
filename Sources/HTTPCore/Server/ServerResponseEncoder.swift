/// Turns a handler's response into wire bytes: the head and body in one buffer, so a response
/// costs one `write`. Adds `Date`, `Server`, `Content-Length` and `Connection`.
enum ServerResponseEncoder {
    static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// What the request asked that shapes the response.
    struct RequestFacts {
        var isHead: Bool
        var version: HTTPVersion
        /// The connection may stay open after this response (request, limits, shutdown).
        var keepAlive: Bool
    }

    /// What encoding decided.
    struct Encoded {
        /// The connection must close after this answer.
        var closes: Bool
        /// The answer's `bodyFiles` must follow the bytes encoded.
        var streamsFiles: Bool
    }

    /// Appends the response (head, and the body held in memory) to `out`.
    static func encode(
        _ response: HTTPResponse, for request: RequestFacts, date: [UInt8], serverName: [UInt8],
        into out: inout [UInt8]
    ) -> Encoded {
        let closes = !request.keepAlive || response.headers.hasToken("close", in: "Connection")
        let status = response.status
        // RFC 9110 §6.4.1: 1xx, 204 and 304 never carry content; §9.3.2: HEAD gets none either.
        let statusForbidsBody = (100...199).contains(status) || status == 204 || status == 304
        let sendsBody = !statusForbidsBody && !request.isHead

        out.append(contentsOf: httpVersionPrefix)
        appendDecimal(status, to: &out)
        out.append(space)
        out.append(contentsOf: response.reason.utf8)
        out.append(contentsOf: crlf)

        var handlerLength: String?
        var hasDate = false
        var hasServer = false
        for field in response.headers {
            if field.name.equalsIgnoringASCIICase("Content-Length") {
                handlerLength = field.value
                continue
            }
            if field.name.equalsIgnoringASCIICase("Connection") { continue }
            if field.name.equalsIgnoringASCIICase("Date") { hasDate = true }
            if field.name.equalsIgnoringASCIICase("Server") { hasServer = true }
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: colonSpace)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: crlf)
        }
        if !hasDate {
            out.append(contentsOf: dateName)
            out.append(contentsOf: date)
            out.append(contentsOf: crlf)
        }
        if !hasServer && !serverName.isEmpty {
            out.append(contentsOf: serverHeaderName)
            out.append(contentsOf: serverName)
            out.append(contentsOf: crlf)
        }
        if !statusForbidsBody {
            out.append(contentsOf: contentLengthName)
            // A HEAD handler may state the length of the body it left out.
            if request.isHead, response.body.isEmpty, response.bodyFiles.isEmpty, let handlerLength {
                out.append(contentsOf: handlerLength.utf8)
            } else {
                appendDecimal(response.bodyFiles.isEmpty ? response.body.count : response.bodyLength, to: &out)
            }
            out.append(contentsOf: crlf)
        }
        if closes {
            out.append(contentsOf: connectionClose)
        } else if request.version == .http1_0 {
            out.append(contentsOf: connectionKeepAlive)
        }
        out.append(contentsOf: crlf)
        if sendsBody { out.append(contentsOf: response.body) }
        return Encoded(closes: closes, streamsFiles: sendsBody && !response.bodyFiles.isEmpty)
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value > 0 else {
            out.append(UInt8(ascii: "0"))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while remaining > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(raw[index]) }
        }
    }

    private static let httpVersionPrefix: [UInt8] = Array("HTTP/1.1 ".utf8)
    private static let space = UInt8(ascii: " ")
    private static let crlf: [UInt8] = [13, 10]
    private static let colonSpace: [UInt8] = Array(": ".utf8)
    private static let dateName: [UInt8] = Array("Date: ".utf8)
    private static let serverHeaderName: [UInt8] = Array("Server: ".utf8)
    private static let contentLengthName: [UInt8] = Array("Content-Length: ".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
}
