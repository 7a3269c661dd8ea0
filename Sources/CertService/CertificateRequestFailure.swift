/// Why a certificate request got no HTTP answer, in the order an exchange can fail. Whether
/// the request reached the service decides what may follow: a request that never left the
/// box may be sent again at once; one the service may be acting on waits for the back-off.
public enum CertificateRequestFailure: Sendable, Equatable, CaseIterable {
    /// The URL cannot be used at all (a hand-edited setting).
    case invalidURL
    /// The name does not resolve (no such name, no DNS server answering with an address).
    case nameNotResolved
    /// The resolver gave no answer within its time.
    case nameResolutionTimedOut
    case connectionRefused
    case connectTimedOut
    /// Reset while connecting or during the TLS handshake.
    case resetBeforeSending
    /// The configured time ran out before the request could be sent (a stalled handshake).
    case timedOutBeforeSending
    /// The service's certificate does not lead to a trusted CA, or is not valid now.
    case tlsUntrusted
    /// The service's certificate is for another name.
    case tlsWrongHost
    case tlsHandshakeFailed
    /// The configured proxy cannot be reached or refused the tunnel.
    case proxyFailed
    /// The request was sent, then the connection was reset.
    case resetAfterSending
    /// The request was sent and the service closed the connection without an answer.
    case closedAfterSending
    /// The request was sent and no whole answer came in time.
    case timedOutAfterSending
    /// Something answered, but not with HTTP, or with too much.
    case invalidAnswer

    /// Whether the service may have received the request (and may be issuing a certificate
    /// for it): such a request is never repeated before the back-off.
    public var reachedService: Bool {
        switch self {
        case .resetAfterSending, .closedAfterSending, .timedOutAfterSending, .invalidAnswer: return true
        case .invalidURL, .nameNotResolved, .nameResolutionTimedOut, .connectionRefused, .connectTimedOut,
            .resetBeforeSending, .timedOutBeforeSending, .tlsUntrusted, .tlsWrongHost, .tlsHandshakeFailed,
            .proxyFailed:
            return false
        }
    }

    /// Whether the name of the service could not be turned into an address: DNS advice helps.
    public var isNameResolution: Bool { self == .nameNotResolved || self == .nameResolutionTimedOut }

    /// Whether sending the same request again in a few seconds can help and cannot hurt: it
    /// never reached the service, and the failure is not a setting that stays wrong.
    public var deservesQuickResend: Bool { !reachedService && self != .invalidURL }

    /// A short name for logs.
    public var summary: String {
        switch self {
        case .invalidURL: return "invalid URL"
        case .nameNotResolved: return "name resolution failed"
        case .nameResolutionTimedOut: return "name resolution timed out"
        case .connectionRefused: return "connection refused"
        case .connectTimedOut: return "connect timed out"
        case .resetBeforeSending: return "reset before sending"
        case .timedOutBeforeSending: return "timed out before sending"
        case .tlsUntrusted: return "TLS certificate untrusted"
        case .tlsWrongHost: return "TLS certificate for another host"
        case .tlsHandshakeFailed: return "TLS handshake failed"
        case .proxyFailed: return "proxy failed"
        case .resetAfterSending: return "reset after sending"
        case .closedAfterSending: return "closed after sending"
        case .timedOutAfterSending: return "timed out after sending"
        case .invalidAnswer: return "invalid answer"
        }
    }
}
