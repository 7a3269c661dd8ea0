import FoundationEssentials
import HTTPCore
import SystemKit

/// Why the sandbox could not issue a certificate or set up its CA.
public struct SandboxIssuingError: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// Issues the sandbox's certificates.
public protocol SandboxCertificateIssuing: Sendable {
    /// The CA certificate clients must trust, as PEM.
    var caCertificatePEM: String { get }
    /// A new key and a certificate for it; the chain is leaf first, then the CA.
    func issue(commonName: String, dnsNames: [String], notBefore: Date, notAfter: Date) throws(SandboxIssuingError)
        -> (chainPEM: String, keyPEM: String)
}

/// The sandbox CA on disk: `ca.pem` (0644) and `ca-key.pem` (0600), created once and reused
/// so that a browser told to trust it keeps trusting it.
///
/// People are invited to trust it, so it can sign only for what the sandbox needs
/// (`nameConstraints`: names under `odoo-iot.com`, and `localhost` / 127.0.0.1 for its own
/// listener) and lives one year, not ten. A CA on disk that lacks those constraints, or has less
/// than `replacementMargin` left, is replaced by a new one (which must then be trusted again).
public struct SandboxCertificateAuthority: SandboxCertificateIssuing {
    public static let nameConstraints = CertificateAuthority.NameConstraints(
        permittedDNSNames: ["odoo-iot.com", "localhost"],
        permittedIPAddresses: [(address: "127.0.0.1", mask: "255.255.255.255")])
    public static let validity: TimeInterval = 365 * 86_400
    /// The default validity of the certificates it issues: one never outlives the CA.
    public static let replacementMargin: TimeInterval = 90 * 86_400

    private let authority: CertificateAuthority
    public let caCertificatePEM: String

    /// Loads the CA from `directory`, or creates it there (again, when the one there is not fit).
    public init(directory: String, now: Date = Date()) throws(SandboxIssuingError) {
        let certificatePath = directory + "/ca.pem"
        let keyPath = directory + "/ca-key.pem"
        do {
            if let certificatePEM = try FileSystem.readIfPresent(certificatePath),
                case let existing = try CertificateAuthority(
                    certificatePEM: certificatePEM, keyPEM: try FileSystem.read(keyPath)),
                existing.hasNameConstraints,
                existing.certificate.notAfter.timeIntervalSince(now) > Self.replacementMargin
            {
                authority = existing
            } else {
                let created = CertificateAuthority.create(
                    commonName: "IoT Box Sandbox CA",
                    validity: now.addingTimeInterval(-86_400)...now.addingTimeInterval(Self.validity),
                    nameConstraints: Self.nameConstraints)
                try FileSystem.createDirectories(directory, mode: 0o700)
                // The key first: a certificate on disk without its key would be loaded and fail.
                try FileSystem.replace(keyPath, with: created.key.pkcs8PEM, mode: 0o600)
                try FileSystem.replace(certificatePath, with: created.certificate.pem, mode: 0o644)
                authority = created
            }
        } catch {
            throw SandboxIssuingError(reason: "sandbox CA in \(directory): \(error)")
        }
        caCertificatePEM = String(decoding: authority.certificate.pem, as: UTF8.self)
    }

    /// When the CA stops being valid.
    public var notAfter: Date { authority.certificate.notAfter }

    public func issue(commonName: String, dnsNames: [String], notBefore: Date, notAfter: Date)
        throws(SandboxIssuingError) -> (chainPEM: String, keyPEM: String)
    {
        let key = PrivateKey.generateECP256()
        do {
            // A certificate ending after its CA would be refused by some clients before its time.
            let leaf = try authority.issue(
                commonName: commonName, dnsNames: dnsNames, notBefore: notBefore,
                notAfter: min(notAfter, authority.certificate.notAfter), key: key)
            let chain = String(decoding: leaf.pem, as: UTF8.self) + caCertificatePEM
            return (chain, String(decoding: key.pkcs8PEM, as: UTF8.self))
        } catch {
            throw SandboxIssuingError(reason: "\(error)")
        }
    }
}
