/// Why an outgoing request failed, in words a person can act on. The cases follow the order in
/// which an exchange can fail: URL, name lookup, connection, TLS, then the answer itself.
///
/// A failure before the request was sent and one after it are different cases, because a
/// caller may repeat the first at once but not the second: the server may be acting on it.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case dnsFailed(host: String, detail: String)
    case dnsTimedOut(host: String)
    case connectionRefused(host: String, port: Int)
    case connectTimedOut
    /// The configured total time ran out before the request was sent (a slow handshake).
    case timedOut
    case tlsHandshakeFailed(detail: String)
    /// The server's certificate chain does not lead to a trusted CA, or is not valid now;
    /// the detail is OpenSSL's verification result ("self-signed certificate", "certificate has expired").
    case certificateNotTrusted(detail: String)
    case hostnameMismatch(host: String)
    /// Reset while connecting or during the TLS handshake: the request was not sent.
    case connectionReset
    /// The request was sent and the total time ran out before the whole answer came.
    case timedOutAfterSending
    /// The request was (or was being) sent, then the connection was reset.
    case connectionResetAfterSending
    /// The request was sent and the server closed the connection before any answer.
    case closedWithoutAnswer
    case malformedResponse(detail: String)
    case responseTooLarge(limit: Int)
    /// The proxy answered the CONNECT request with this non-2xx status.
    case proxyRefused(status: Int)
    case proxyFailed(detail: String)

    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "invalid URL: \(url)"
        case .dnsFailed(let host, let detail):
            return "cannot resolve \(host): \(detail)"
        case .dnsTimedOut(let host):
            return "resolving \(host) took too long"
        case .connectionRefused(let host, let port):
            return "connection refused by \(host) port \(port)"
        case .connectTimedOut:
            return "the connection could not be established in time"
        case .timedOut:
            return "the connection could not be set up in time"
        case .tlsHandshakeFailed(let detail):
            return "TLS handshake failed: \(detail)"
        case .certificateNotTrusted(let detail):
            return "the server certificate is not trusted: \(detail)"
        case .hostnameMismatch(let host):
            return "the server certificate is not valid for \(host)"
        case .connectionReset:
            return "the connection was reset"
        case .timedOutAfterSending:
            return "the server did not answer in time"
        case .connectionResetAfterSending:
            return "the connection was reset after the request was sent"
        case .closedWithoutAnswer:
            return "the server closed the connection without answering"
        case .malformedResponse(let detail):
            return "the server sent an invalid response: \(detail)"
        case .responseTooLarge(let limit):
            return "the response is larger than \(limit) bytes"
        case .proxyRefused(let status):
            return "the proxy refused the connection with status \(status)"
        case .proxyFailed(let detail):
            return "the proxy could not be used: \(detail)"
        }
    }
}

extension HTTPClientError {
    /// The same failure seen after the request was handed to the connection: a timeout or a
    /// reset then may come after the server has received the request.
    var afterSending: HTTPClientError {
        switch self {
        case .timedOut: return .timedOutAfterSending
        case .connectionReset: return .connectionResetAfterSending
        default: return self
        }
    }
}
