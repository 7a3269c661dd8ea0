/// Why a certificate or key could not be read or made. Each case carries OpenSSL's own
/// explanation, so a log line says what was wrong with the input, not only that it failed.
public enum X509Error: Error, Equatable, CustomStringConvertible {
    /// The input held no PEM certificate at all (empty, or another kind of file).
    case noCertificate
    /// A certificate block was present but could not be decoded.
    case invalidCertificate(detail: String)
    /// The private key could not be decoded (garbage, unsupported type, or encrypted).
    case invalidPrivateKey(detail: String)
    /// Building or signing a certificate failed inside OpenSSL.
    case issuingFailed(detail: String)

    public var description: String {
        switch self {
        case .noCertificate:
            return "no PEM certificate found in the data"
        case .invalidCertificate(let detail):
            return "the certificate cannot be read: \(detail)"
        case .invalidPrivateKey(let detail):
            return "the private key cannot be read: \(detail)"
        case .issuingFailed(let detail):
            return "the certificate could not be issued: \(detail)"
        }
    }
}
