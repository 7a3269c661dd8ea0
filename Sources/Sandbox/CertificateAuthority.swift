import COpenSSL
import FoundationEssentials
import HTTPCore

/// A small certificate authority: a self-signed CA certificate and its key, able to issue
/// TLS server certificates. It exists for the offline certificate sandbox and for tests;
/// it is not meant to guard anything real.
///
/// Sendable because both stored properties are immutable Sendable objects.
public final class CertificateAuthority: Sendable {
    public let certificate: X509Certificate
    public let key: PrivateKey

    /// The names a CA may sign for (RFC 5280 §4.2.1.10): DNS subtrees (`odoo-iot.com` covers
    /// every name under it) and IP addresses with their masks. A name type with no entry here
    /// is not limited, so a CA that lists DNS names should list the IPs it may sign for too.
    public struct NameConstraints: Sendable, Equatable {
        public var permittedDNSNames: [String]
        /// `(address, mask)`, e.g. `("127.0.0.1", "255.255.255.255")`.
        public var permittedIPAddresses: [(address: String, mask: String)]

        public init(permittedDNSNames: [String], permittedIPAddresses: [(address: String, mask: String)]) {
            self.permittedDNSNames = permittedDNSNames
            self.permittedIPAddresses = permittedIPAddresses
        }

        public static func == (left: NameConstraints, right: NameConstraints) -> Bool {
            left.permittedDNSNames == right.permittedDNSNames
                && left.permittedIPAddresses.elementsEqual(right.permittedIPAddresses) { $0 == $1 }
        }

        /// OpenSSL's configuration text for the extension, critical as RFC 5280 asks.
        var extensionValue: String {
            (["critical"] + permittedDNSNames.map { "permitted;DNS:\($0)" }
                + permittedIPAddresses.map { "permitted;IP:\($0.address)/\($0.mask)" }).joined(separator: ",")
        }
    }

    /// Makes a new CA with a fresh P-256 key; with `nameConstraints`, certificates it signs
    /// for any other name fail verification.
    public static func create(
        commonName: String, validity: ClosedRange<Date>, nameConstraints: NameConstraints? = nil
    ) -> CertificateAuthority {
        let key = PrivateKey.generateECP256()
        let builder = CertificateUnderConstruction()
        do {
            try builder.setBasics(
                subjectCommonName: commonName, notBefore: validity.lowerBound, notAfter: validity.upperBound,
                publicKey: key)
            builder.setIssuer(nil)
            var extensions: [(Int32, String)] = [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
                (NID_subject_key_identifier, "hash"),
            ]
            if let nameConstraints { extensions.append((NID_name_constraints, nameConstraints.extensionValue)) }
            try builder.addExtensions(issuer: nil, extensions)
            let certificate = try builder.signed(with: key)
            return CertificateAuthority(certificate: certificate, key: key)
        } catch {
            // Only an internal OpenSSL failure (memory) can get here: the inputs are ours.
            fatalError("cannot create a certificate authority: \(error)")
        }
    }

    /// Whether the CA certificate limits the names it may sign for.
    public var hasNameConstraints: Bool {
        certificate.withUnsafeX509 { X509_get_ext_by_NID($0, NID_name_constraints, -1) >= 0 }
    }

    /// Loads an existing CA; the key must belong to the certificate.
    public init(certificatePEM: [UInt8], keyPEM: [UInt8]) throws(X509Error) {
        let certificate = try X509Certificate(pem: certificatePEM)
        let key = try PrivateKey(pem: keyPEM)
        guard certificate.matches(key) else {
            throw .invalidPrivateKey(detail: "the key does not belong to the CA certificate")
        }
        self.certificate = certificate
        self.key = key
    }

    private init(certificate: X509Certificate, key: PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// Issues a TLS server certificate for `key`'s public half: serverAuth, the given DNS
    /// names as subjectAltName (what clients actually check), CA:false, a random serial,
    /// signed with SHA-256.
    public func issue(
        commonName: String, dnsNames: [String], notBefore: Date, notAfter: Date, key subjectKey: PrivateKey
    ) throws(X509Error) -> X509Certificate {
        let builder = CertificateUnderConstruction()
        try builder.setBasics(
            subjectCommonName: commonName, notBefore: notBefore, notAfter: notAfter, publicKey: subjectKey)
        builder.setIssuer(certificate)
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        if !dnsNames.isEmpty {
            extensions.append((NID_subject_alt_name, dnsNames.map { "DNS:" + $0 }.joined(separator: ",")))
        }
        try builder.addExtensions(issuer: certificate, extensions)
        return try builder.signed(with: key)
    }
}

/// Owns the `X509` being assembled until it is signed and handed over as PEM.
private final class CertificateUnderConstruction {
    private let x509: OpaquePointer

    init() {
        guard let x509 = X509_new() else { fatalError("OpenSSL could not allocate a certificate") }
        self.x509 = x509
    }

    deinit { X509_free(x509) }

    func setBasics(subjectCommonName: String, notBefore: Date, notAfter: Date, publicKey: PrivateKey) throws(X509Error)
    {
        OpenSSLErrorQueue.clear()
        // Version 3 (encoded as 2) is required for extensions.
        guard X509_set_version(x509, 2) == 1, setRandomSerial(),
            ASN1_TIME_set(X509_getm_notBefore(x509), timeT(notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(x509), timeT(notAfter)) != nil,
            publicKey.withUnsafeKey({ X509_set_pubkey(x509, $0) }) == 1
        else { throw .issuingFailed(detail: OpenSSLErrorQueue.drain()) }
        guard let name = X509_NAME_new() else { throw .issuingFailed(detail: OpenSSLErrorQueue.drain()) }
        defer { X509_NAME_free(name) }
        let added = subjectCommonName.withCString { text in
            text.withMemoryRebound(to: UInt8.self, capacity: subjectCommonName.utf8.count + 1) {
                X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, $0, -1, -1, 0)
            }
        }
        guard added == 1, X509_set_subject_name(x509, name) == 1 else {
            throw .issuingFailed(detail: OpenSSLErrorQueue.drain())
        }
    }

    /// Sets the issuer name from `issuer`, or from the subject itself for a self-signed certificate.
    func setIssuer(_ issuer: X509Certificate?) {
        if let issuer {
            _ = issuer.withUnsafeX509 { X509_set_issuer_name(x509, X509_get_subject_name($0)) }
        } else {
            _ = X509_set_issuer_name(x509, X509_get_subject_name(x509))
        }
    }

    func addExtensions(issuer: X509Certificate?, _ extensions: [(Int32, String)]) throws(X509Error) {
        var context = X509V3_CTX()
        let failure: String? = withIssuerPointer(issuer) { issuerPointer in
            X509V3_set_ctx(&context, issuerPointer, x509, nil, nil, 0)
            for (nid, value) in extensions {
                guard let made = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                    return OpenSSLErrorQueue.drain()
                }
                defer { X509_EXTENSION_free(made) }
                if X509_add_ext(x509, made, -1) != 1 { return OpenSSLErrorQueue.drain() }
            }
            return nil
        }
        if let failure { throw .issuingFailed(detail: failure) }
    }

    func signed(with signer: PrivateKey) throws(X509Error) -> X509Certificate {
        let signedOK = signer.withUnsafeKey { X509_sign(x509, $0, EVP_sha256()) } > 0
        guard signedOK else { throw .issuingFailed(detail: OpenSSLErrorQueue.drain()) }
        let output = OpenSSLMemoryBIO()
        _ = output.withUnsafeBIO { PEM_write_bio_X509($0, x509) }
        return try X509Certificate(pem: output.contents)
    }

    private func withIssuerPointer<Result>(
        _ issuer: X509Certificate?, _ body: (OpaquePointer) -> Result
    ) -> Result {
        if let issuer { return issuer.withUnsafeX509(body) }
        return body(x509)
    }

    /// 16 random bytes with the top bit clear: positive, unique in practice (RFC 5280 §4.1.2.2).
    private func setRandomSerial() -> Bool {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { return false }
        bytes[0] &= 0x7F
        bytes[0] |= 0x01 << 6
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { return false }
        defer { BN_free(number) }
        guard let serial = X509_get_serialNumber(x509) else { return false }
        return BN_to_ASN1_INTEGER(number, serial) != nil
    }

    private func timeT(_ date: Date) -> time_t {
        time_t(date.timeIntervalSince1970.rounded(.down))
    }
}
