// PEM and X.509 loading: a certificate chain and a private key read from any bytes must
// either fail with an error or give values that can be read without crashing.
import FuzzSupport
import HTTPCore

runFuzzer { input in
    let bytes = Array(input)
    if let chain = try? X509Certificate.parseChain(pem: bytes) {
        for certificate in chain {
            _ = certificate.subjectCommonName
            _ = certificate.issuerCommonName
            _ = certificate.subjectAlternativeDNSNames
            _ = certificate.notBefore
            _ = certificate.notAfter
            _ = certificate.serialNumberHex
            _ = certificate.sha256FingerprintHex
            _ = certificate.isIssued(by: certificate)
        }
        if let key = try? PrivateKey(pem: bytes), let first = chain.first {
            _ = first.matches(key)
        }
    }
    _ = try? PrivateKey(pem: bytes)
}
