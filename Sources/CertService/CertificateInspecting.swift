import FoundationEssentials

/// What the box needs to know about a certificate chain and its key to decide on renewal.
public struct CertificateFacts: Sendable, Equatable {
    /// The leaf's subject common name.
    public var subjectCommonName: String
    public var notBefore: Date
    public var notAfter: Date
    /// The leaf's DNS subject alternative names.
    public var dnsNames: [String]
    /// Whether the private key belongs to the leaf certificate.
    public var keyMatches: Bool

    public init(subjectCommonName: String, notBefore: Date, notAfter: Date, dnsNames: [String], keyMatches: Bool) {
        self.subjectCommonName = subjectCommonName
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.dnsNames = dnsNames
        self.keyMatches = keyMatches
    }
}

/// Why a chain or key could not be inspected; the text is for logs and error details.
public enum CertificateInspectionError: Error, Sendable, Equatable {
    case certificateUnreadable(String)
    case keyUnreadable(String)

    public var detail: String {
        switch self {
        case .certificateUnreadable(let why): return "certificate does not parse: \(why)"
        case .keyUnreadable(let why): return "private key does not parse: \(why)"
        }
    }
}

/// Reads the facts out of a PEM chain (leaf first) and a PEM private key.
public protocol CertificateInspecting: Sendable {
    func inspect(chainPEM: String, keyPEM: String) throws(CertificateInspectionError) -> CertificateFacts
}
