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

/// An incremental HTTP/1.1 request parser with no socket inside: append bytes as they
/// arrive, then call `next()` until it says `.needMore`. Pipelined requests come out in order.
///
/// PLACEHOLDER: a minimal version so the server can be built against this API; the strict
/// RFC 9112 parser replaces it.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPParserLimits
    private var buffer: [UInt8] = []
    private var failed: HTTPParseError?

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received and not yet part of a returned request.
    public var bufferedByteCount: Int { buffer.count }

    /// True when no byte of a next request has arrived (the connection is idle, not slow).
    public var isIdle: Bool { buffer.isEmpty }

    /// True when a head has been parsed and its body is still arriving.
    public var isReceivingBody: Bool { false }

    public mutating func next() -> HTTPParserEvent {
        if let failed { return .error(failed) }
        guard let end = findHeadEnd() else { return .needMore }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else {
            failed = HTTPParseError(status: 400, reason: "malformed request line")
            return .error(failed!)
        }
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...].trimmingASCIIWhitespace()))
        }
        let length = Int(headers["Content-Length"] ?? "0") ?? 0
        guard buffer.count >= end + 4 + length else { return .needMore }
        let body = Array(buffer[(end + 4)..<(end + 4 + length)])
        buffer.removeFirst(end + 4 + length)
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let version: HTTPVersion = requestLine[2] == "HTTP/1.0" ? .http1_0 : .http1_1
        return .request(
            HTTPRequest(
                method: String(requestLine[0]), target: target, path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : nil, version: version, headers: headers, body: body))
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}
