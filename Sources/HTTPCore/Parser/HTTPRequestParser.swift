#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Limits a client controls in the request it sends; each has a status when exceeded.
public struct HTTPParserLimits: Sendable {
    /// Longest request line accepted; past it: 414.
    public var maxRequestLineLength: Int = 8 * 1024
    /// Largest header block (request line excluded); past it: 431.
    public var maxHeaderBlockSize: Int = 16 * 1024
    /// Most header fields; past it: 431.
    public var maxHeaderCount: Int = 100
    /// Largest body, after de-chunking; past it: 413.
    public var maxBodySize: Int = 1024 * 1024
    /// Longest chunk-size line including extensions; past it: 400.
    public var maxChunkLineLength: Int = 1024
    /// Largest trailer section; past it: 431.
    public var maxTrailerSize: Int = 8 * 1024

    public init() {}
}

/// Why a request was refused. The connection is closed after the error response.
public struct HTTPParseError: Error, Sendable, Equatable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }
}

public enum HTTPParserEvent: Sendable {
    /// The buffered bytes do not yet hold a whole request.
    case needMore
    /// The head is complete and asks for `100 Continue` before its body; reported once.
    case expectContinue
    /// One whole request; its bytes have been consumed from the buffer.
    case request(HTTPRequest)
    /// The request is malformed or over a limit; nothing more can be parsed.
    case error(HTTPParseError)
}

/// An incremental, strict HTTP/1.1 request parser (RFC 9112) with no socket inside: append
/// bytes as they arrive, then call `next()` until it says `.needMore`. Pipelined requests
/// come out in order.
///
/// Line endings must be CRLF: a bare LF is refused (400) rather than accepted as nginx does,
/// because lenient line parsing is what request-smuggling attacks between two parsers rely on,
/// and every client this box serves sends CRLF. One empty line before a request line is
/// skipped (RFC 9112 §2.2). Field values are decoded as UTF-8; invalid bytes become U+FFFD.
///
/// Cost: the search for the end of the head resumes where the previous one stopped, the head
/// is then parsed in one pass, and consumed bytes are dropped by moving a read index; the
/// buffer is compacted only when the read index passes half of it.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPParserLimits

    private enum Phase: Sendable {
        case head
        case fixedBody(ParsedRequestHead, length: Int)
        case chunkedBody(ParsedRequestHead, ChunkedBodyDecoder)
    }

    private var buffer: [UInt8] = []
    /// Start of the bytes not yet consumed.
    private var readIndex = 0
    /// Offset from `readIndex` where the search for the head's end resumes.
    private var scanOffset = 0
    /// Offset from `readIndex` of the request line's LF, once seen.
    private var requestLineLF: Int?
    private var skippedEmptyLine = false
    private var phase: Phase = .head
    private var failure: HTTPParseError?

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthIt()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        compactIfWorthIt()
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received and not yet part of a returned request (a chunked body decoded so far
    /// included).
    public var bufferedByteCount: Int {
        if case .chunkedBody(_, let decoder) = phase { return unreadCount + decoder.body.count }
        return unreadCount
    }

    /// True when no byte of a next request has arrived (the connection is idle, not slow).
    public var isIdle: Bool {
        if case .head = phase { return unreadCount == 0 && !skippedEmptyLine }
        return false
    }

    /// True when a head has been parsed and its body is still arriving.
    public var isReceivingBody: Bool {
        if case .head = phase { return false }
        return true
    }

    public mutating func next() -> HTTPParserEvent {
        if let failure { return .error(failure) }
        do throws(HTTPParseError) {
            return try step()
        } catch {
            failure = error
            return .error(error)
        }
    }

    private var unreadCount: Int { buffer.count - readIndex }

    private mutating func step() throws(HTTPParseError) -> HTTPParserEvent {
        switch phase {
        case .head:
            return try parseHead()
        case .fixedBody(let head, let length):
            guard unreadCount >= length else { return .needMore }
            let body = Array(buffer[readIndex..<(readIndex + length)])
            consume(length)
            phase = .head
            return .request(Self.makeRequest(head, body: body))
        case .chunkedBody(let head, var decoder):
            // Leave the phase first so the decoder's body buffer is uniquely referenced.
            phase = .head
            let start = readIndex
            let limits = self.limits
            let result = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
                try decoder.decode(UnsafeBufferPointer(rebasing: bytes[start...]), limits: limits)
            }
            consume(result.consumed)
            guard result.done else {
                phase = .chunkedBody(head, decoder)
                return .needMore
            }
            return .request(Self.makeRequest(head, body: decoder.body))
        }
    }

    private mutating func parseHead() throws(HTTPParseError) -> HTTPParserEvent {
        try skipOneEmptyLine()
        guard let headLength = try scanForHeadEnd(), let lineLF = requestLineLF else { return .needMore }
        let start = readIndex
        let limits = self.limits
        let head = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
            try RequestHeadParser.parse(
                UnsafeBufferPointer(rebasing: bytes[start..<(start + headLength)]), requestLineEnd: lineLF - 1,
                limits: limits)
        }
        consume(headLength)
        scanOffset = 0
        requestLineLF = nil
        skippedEmptyLine = false
        switch head.framing {
        case .none:
            return .request(Self.makeRequest(head, body: []))
        case .length(let length):
            phase = .fixedBody(head, length: length)
            if head.expectsContinue && unreadCount < length { return .expectContinue }
        case .chunked:
            phase = .chunkedBody(head, ChunkedBodyDecoder())
            if head.expectsContinue && unreadCount == 0 { return .expectContinue }
        }
        return try step()
    }

    /// RFC 9112 §2.2: a server should ignore at least one empty line before a request line.
    private mutating func skipOneEmptyLine() throws(HTTPParseError) {
        guard !skippedEmptyLine, requestLineLF == nil, unreadCount > 0, buffer[readIndex] == HTTPByteClass.cr else {
            return
        }
        guard unreadCount >= 2 else { return }
        guard buffer[readIndex + 1] == HTTPByteClass.lf else {
            throw HTTPParseError(status: 400, reason: "bare CR before request line")
        }
        consume(2)
        scanOffset = 0
        skippedEmptyLine = true
    }

    /// Resumes the search for CRLF CRLF where it stopped; returns the head's length with its
    /// final CRLF. Checks line endings and the line and block limits on the way, so an
    /// oversized head fails before its end arrives.
    private mutating func scanForHeadEnd() throws(HTTPParseError) -> Int? {
        let start = readIndex
        let from = scanOffset
        let lineLF = requestLineLF
        let limits = self.limits
        let outcome = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
            try Self.scan(UnsafeBufferPointer(rebasing: bytes[start...]), from: from, requestLineLF: lineLF, limits)
        }
        scanOffset = outcome.scanned
        requestLineLF = outcome.requestLineLF
        return outcome.headLength
    }

    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, from: Int, requestLineLF: Int?, _ limits: HTTPParserLimits
    ) throws(HTTPParseError) -> (headLength: Int?, scanned: Int, requestLineLF: Int?) {
        var lineLF = requestLineLF
        var position = from
        if let base = bytes.baseAddress {
            while position < bytes.count {
                guard let found = memchr(base + position, Int32(HTTPByteClass.lf), bytes.count - position) else {
                    break
                }
                let index = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                guard index > 0, bytes[index - 1] == HTTPByteClass.cr else {
                    throw HTTPParseError(status: 400, reason: "bare LF line ending")
                }
                if let lineLF {
                    if bytes[index - 2] == HTTPByteClass.lf {
                        if index - 2 - lineLF > limits.maxHeaderBlockSize {
                            throw HTTPParseError(status: 431, reason: "header block too large")
                        }
                        return (index + 1, index + 1, lineLF)
                    }
                } else {
                    if index - 1 > limits.maxRequestLineLength {
                        throw HTTPParseError(status: 414, reason: "request line too long")
                    }
                    lineLF = index
                }
                position = index + 1
            }
        }
        if let lineLF {
            if bytes.count - lineLF - 1 > limits.maxHeaderBlockSize + 2 {
                throw HTTPParseError(status: 431, reason: "header block too large")
            }
        } else if bytes.count > limits.maxRequestLineLength + 1 {
            throw HTTPParseError(status: 414, reason: "request line too long")
        }
        return (nil, bytes.count, lineLF)
    }

    private mutating func consume(_ count: Int) {
        readIndex += count
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
    }

    /// Moves the unread bytes to the front only when more than half the buffer is consumed,
    /// so the copy is paid at most once per buffer's worth of traffic.
    private mutating func compactIfWorthIt() {
        guard readIndex > 0, readIndex >= unreadCount else { return }
        buffer.removeSubrange(0..<readIndex)
        readIndex = 0
    }

    private static func makeRequest(_ head: ParsedRequestHead, body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: head.method, target: head.target, path: head.path, query: head.query, version: head.version,
            headers: head.headers, parsedAuthority: head.authority, body: body)
    }
}
