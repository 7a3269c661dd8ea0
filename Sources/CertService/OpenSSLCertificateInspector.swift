import FoundationEssentials
import HTTPCore

/// Reads certificate facts with OpenSSL, through HTTPCore's X.509 wrappers.
public struct OpenSSLCertificateInspector: CertificateInspecting {
    public init() {}

    public func inspect(chainPEM: String, keyPEM: String) throws(CertificateInspectionError) -> CertificateFacts {
        let leaf: X509Certificate
        do {
            guard let first = try X509Certificate.parseChain(pem: Array(chainPEM.utf8)).first else {
                throw CertificateInspectionError.certificateUnreadable("no certificate in the chain")
            }
            leaf = first
        } catch let error as CertificateInspectionError {
            throw error
        } catch {
            throw .certificateUnreadable("\(error)")
        }
        let key: PrivateKey
        do {
            key = try PrivateKey(pem: Array(keyPEM.utf8))
        } catch {
            throw .keyUnreadable("\(error)")
        }
        return CertificateFacts(
            subjectCommonName: leaf.subjectCommonName ?? "", notBefore: leaf.notBefore, notAfter: leaf.notAfter,
            dnsNames: leaf.subjectAlternativeDNSNames, keyMatches: leaf.matches(key))
    }
}
