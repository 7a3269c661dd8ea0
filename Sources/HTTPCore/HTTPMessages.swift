/// HTTP version of a request line: only 1.0 and 1.1 are served.
public struct HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// One complete request as the parser hands it to a handler: the head, the whole body
/// (already de-chunked), and where it came from.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target exactly as received (origin-form, absolute-form, or `*`).
    public var target: String
    /// The path part of the target, still percent-encoded; `*` for `OPTIONS *`.
    public var path: String
    /// The query without its `?`, or nil when there is none.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whom the request is for, parsed once: an absolute-form (or CONNECT) target's authority,
    /// which wins over `Host` (RFC 9112 §3.2.2), else the `Host` field's. Nil only for an
    /// HTTP/1.0 request without `Host`. The parser refuses (400) a `Host` that is not a valid
    /// `host[:port]`, so handlers never parse it again.
    public var authority: HostAndPort?

    /// Set by the server: true when the request arrived over TLS.
    public var isSecure: Bool = false
    /// Set by the server: the peer's address as text (IPv6 without brackets).
    public var remoteAddress: String = ""
    /// Set by the server: the local port the request arrived on.
    public var localPort: Int = 0

    public init(
        method: String, target: String, path: String, query: String? = nil,
        version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        // A request built by hand (a test, a handler's sub-request): its authority comes from
        // its Host field, as the parser would take it for an origin-form target.
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.authority = headers["Host"].flatMap { HostAndPort($0) }
    }

    /// The parser's: the authority is already known.
    init(
        method: String, target: String, path: String, query: String?, version: HTTPVersion,
        headers: HTTPHeaders, parsedAuthority: HostAndPort?, body: [UInt8]
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.authority = parsedAuthority
    }

    /// Whether the connection may stay open after this request (RFC 9112 §9.3).
    public var keepAlive: Bool {
        if headers.hasToken("close", in: "Connection") { return false }
        if version == .http1_1 { return true }
        return headers.hasToken("keep-alive", in: "Connection")
    }
}

/// A response built by a handler. The server adds `Date`, `Server`, `Content-Length` and
/// `Connection`, and leaves out the body for HEAD and for statuses that have none.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Sent after `body` (normally empty then), read from the files in chunks as the client
    /// takes them: a big body never sits whole in memory. `Content-Length` counts both.
    public var bodyFiles: [HTTPFileBody]

    public init(
        status: Int, reason: String? = nil, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        bodyFiles: [HTTPFileBody] = []
    ) {
        self.status = status
        self.reason = reason ?? HTTPStatus.reasonPhrase(for: status)
        self.headers = headers
        self.body = body
        self.bodyFiles = bodyFiles
    }

    /// The body's length: the bytes in memory and those of the files.
    public var bodyLength: Int {
        var length = body.count
        for file in bodyFiles { length += file.length }
        return length
    }

    public init(status: Int, contentType: String, body: String) {
        var headers = HTTPHeaders()
        headers.add("Content-Type", contentType)
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }
}

public enum HTTPStatus {
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 417: return "Expectation Failed"
        case 421: return "Misdirected Request"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}

/// Delivers a response later, from any thread.
public typealias HTTPResponder = @Sendable (HTTPResponse) -> Void

/// What a handler gives back: a response now, or a promise to call the responder later
/// (for work that must not run on an event loop, such as waiting for a certificate check).
public enum HTTPHandlerResult: Sendable {
    case response(HTTPResponse)
    case deferred(@Sendable (_ respond: @escaping HTTPResponder) -> Void)
    /// Close the connection at once without answering: what a test double uses to play a
    /// service that drops connections. Answers already written stay written.
    case closeConnection
}

/// Anything that answers requests. Handlers run on an event loop: they must not block.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult
}
