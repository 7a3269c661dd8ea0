/// A request head as parsed, before its body is read.
struct ParsedRequestHead: Sendable {
    var method: String
    var target: String
    var path: String
    var query: String?
    var version: HTTPVersion
    var headers: HTTPHeaders
    var authority: HostAndPort?
    var framing: RequestBodyFraming
    var expectsContinue: Bool
}

/// Parses one complete head (request line, field lines, final empty line) in one pass over
/// the bytes. Strings are built only for the parts kept. Line endings were already checked
/// by the head scanner: every LF is preceded by CR.
enum RequestHeadParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// `requestLineEnd` is the index of the request line's CR.
    static func parse(
        _ bytes: Bytes, requestLineEnd: Int, limits: HTTPParserLimits
    ) throws(HTTPParseError) -> ParsedRequestHead {
        let line = try parseRequestLine(bytes, end: requestLineEnd)
        var fields = RequestFramingFields()
        // A browser sends about a dozen fields.
        var headers = HTTPHeaders(minimumCapacity: 16)
        var count = 0
        var start = requestLineEnd + 2
        while start < bytes.count {
            let end = lineEnd(bytes, from: start)
            if end == start { break }
            count += 1
            if count > limits.maxHeaderCount {
                throw HTTPParseError(status: 431, reason: "too many header fields")
            }
            let field = try parseFieldLine(bytes, start, end)
            fields.note(bytes, nameStart: start, nameEnd: field.nameEnd, value: field.value)
            headers.add(HTTPByteClass.string(bytes, start, field.nameEnd), field.value)
            start = end + 2
        }
        let framing = try fields.framing(version: line.version, limits: limits)
        var authority = line.authority
        if let hostValue = fields.hostValue {
            // RFC 9112 §3.2: an invalid Host is a 400 even when an absolute-form target's
            // authority is the one that counts (§3.2.2).
            guard let host = HostAndPort(hostValue) else {
                throw HTTPParseError(status: 400, reason: "invalid Host field value")
            }
            if authority == nil { authority = host }
        }
        return ParsedRequestHead(
            method: line.method, target: line.target, path: line.path, query: line.query,
            version: line.version, headers: headers, authority: authority, framing: framing.body,
            expectsContinue: framing.expectsContinue)
    }

    /// Index of the CR ending the line that starts at `start`.
    @inline(__always)
    private static func lineEnd(_ bytes: Bytes, from start: Int) -> Int {
        var index = start
        while bytes[index] != HTTPByteClass.lf { index += 1 }
        return index - 1
    }

    /// Checks one `name: value` line in `bytes[start..<end]` (RFC 9112 §5) and returns where
    /// the name ends and the value without its surrounding whitespace. Also used for trailers.
    static func parseFieldLine(
        _ bytes: Bytes, _ start: Int, _ end: Int
    ) throws(HTTPParseError) -> (nameEnd: Int, value: String) {
        if HTTPByteClass.isWhitespace(bytes[start]) {
            throw HTTPParseError(status: 400, reason: "obsolete line folding")
        }
        var index = start
        while index < end && HTTPByteClass.isTokenByte(bytes[index]) { index += 1 }
        guard index < end, bytes[index] == HTTPByteClass.colon, index > start else {
            if index < end && HTTPByteClass.isWhitespace(bytes[index]) {
                throw HTTPParseError(status: 400, reason: "whitespace before colon in header field")
            }
            throw HTTPParseError(status: 400, reason: "malformed header field name")
        }
        let nameEnd = index
        var valueStart = nameEnd + 1
        var valueEnd = end
        while valueStart < valueEnd && HTTPByteClass.isWhitespace(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && HTTPByteClass.isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        for position in valueStart..<valueEnd where !HTTPByteClass.isFieldValueByte(bytes[position]) {
            throw HTTPParseError(status: 400, reason: "control character in header value")
        }
        return (nameEnd, HTTPByteClass.string(bytes, valueStart, valueEnd))
    }

    private struct RequestLine {
        var method: String
        var target: String
        var path: String
        var query: String?
        var authority: HostAndPort?
        var version: HTTPVersion
    }

    /// `method SP request-target SP HTTP-version`, exactly one space between parts.
    private static func parseRequestLine(_ bytes: Bytes, end: Int) throws(HTTPParseError) -> RequestLine {
        var index = 0
        while index < end && HTTPByteClass.isTokenByte(bytes[index]) { index += 1 }
        guard index > 0, index < end, bytes[index] == HTTPByteClass.space else {
            throw HTTPParseError(status: 400, reason: "malformed method")
        }
        let methodEnd = index
        index += 1
        let targetStart = index
        while index < end && bytes[index] != HTTPByteClass.space {
            guard HTTPByteClass.isTargetByte(bytes[index]) else {
                throw HTTPParseError(status: 400, reason: "invalid character in request target")
            }
            index += 1
        }
        guard index > targetStart, index < end else {
            throw HTTPParseError(status: 400, reason: "malformed request line")
        }
        let targetEnd = index
        let version = try parseVersion(bytes, start: index + 1, end: end)
        let method = HTTPByteClass.string(bytes, 0, methodEnd)
        let target = try RequestTargetForm.split(bytes, targetStart, targetEnd, method: method)
        return RequestLine(
            method: method, target: HTTPByteClass.string(bytes, targetStart, targetEnd),
            path: target.path, query: target.query, authority: target.authority, version: version)
    }

    /// `HTTP/DIGIT.DIGIT`; anything else is malformed (400), and a well-formed version
    /// other than 1.0 or 1.1 is not served (505).
    private static func parseVersion(_ bytes: Bytes, start: Int, end: Int) throws(HTTPParseError) -> HTTPVersion {
        let prefix: StaticString = "HTTP/"
        guard end - start == 8 else { throw HTTPParseError(status: 400, reason: "malformed HTTP version") }
        for offset in 0..<5 where bytes[start + offset] != prefix.utf8Start[offset] {
            throw HTTPParseError(status: 400, reason: "malformed HTTP version")
        }
        let major = bytes[start + 5]
        let dot = bytes[start + 6]
        let minor = bytes[start + 7]
        guard (0x30...0x39).contains(major), dot == UInt8(ascii: "."), (0x30...0x39).contains(minor) else {
            throw HTTPParseError(status: 400, reason: "malformed HTTP version")
        }
        let version = HTTPVersion(major: Int(major - 0x30), minor: Int(minor - 0x30))
        guard version == .http1_1 || version == .http1_0 else {
            throw HTTPParseError(status: 505, reason: "HTTP version not supported")
        }
        return version
    }
}
