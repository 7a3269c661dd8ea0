/// Why a TLS context or connection could not be set up. Failures of a running connection
/// are not errors of this kind: they come back as `TransportResult.failed`.
public enum TLSError: Error, Equatable, CustomStringConvertible {
    /// The certificate chain could not be read.
    case invalidCertificate(detail: String)
    /// The private key could not be read.
    case invalidPrivateKey(detail: String)
    /// The key is not the one the leaf certificate was issued for.
    case keyMismatch
    /// OpenSSL refused a setting of the context (cipher list, protocol versions, memory).
    case contextSetupFailed(detail: String)
    /// A certificate or key file could not be read.
    case fileUnreadable(path: String, detail: String)
    /// A key file's permissions are too open and could not be narrowed.
    case permissionChangeFailed(path: String, detail: String)
    /// A connection's TLS state could not be made (memory, or a bad socket).
    case connectionSetupFailed(detail: String)

    public var description: String {
        switch self {
        case .invalidCertificate(let detail):
            return "the TLS certificate chain cannot be used: \(detail)"
        case .invalidPrivateKey(let detail):
            return "the TLS private key cannot be used: \(detail)"
        case .keyMismatch:
            return "the private key does not belong to the certificate"
        case .contextSetupFailed(let detail):
            return "the TLS settings could not be applied: \(detail)"
        case .fileUnreadable(let path, let detail):
            return "cannot read \(path): \(detail)"
        case .permissionChangeFailed(let path, let detail):
            return "cannot restrict the permissions of \(path): \(detail)"
        case .connectionSetupFailed(let detail):
            return "cannot start TLS on the connection: \(detail)"
        }
    }
}
