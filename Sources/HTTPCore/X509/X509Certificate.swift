import COpenSSL
import FoundationEssentials

/// One X.509 certificate, read from PEM.
///
/// Sendable because it is immutable after creation: the wrapped `X509` is never modified
/// once parsed, and OpenSSL guards its own lazily computed caches (extensions, digests)
/// with internal locks, so concurrent reads from several threads are safe.
public final class X509Certificate: @unchecked Sendable {
    private let x509: OpaquePointer
    /// The certificate re-encoded as one PEM block (canonical, whatever the input spacing).
    public let pem: [UInt8]

    private init(taking x509: OpaquePointer) {
        self.x509 = x509
        let output = OpenSSLMemoryBIO()
        _ = output.withUnsafeBIO { PEM_write_bio_X509($0, x509) }
        self.pem = output.contents
    }

    deinit { X509_free(x509) }

    /// Reads every certificate of a PEM chain, in file order (leaf first, as servers send
    /// them). Text between blocks is ignored; no certificate at all, or a damaged block, is
    /// an error.
    public static func parseChain(pem: [UInt8]) throws(X509Error) -> [X509Certificate] {
        let input = OpenSSLMemoryBIO(bytes: pem)
        var chain: [X509Certificate] = []
        OpenSSLErrorQueue.clear()
        while let x509 = input.withUnsafeBIO({ PEM_read_bio_X509($0, nil, nil, nil) }) {
            chain.append(X509Certificate(taking: x509))
        }
        // The loop always ends on a failed read; running out of PEM blocks is the normal end,
        // any other reason means a block was damaged.
        let lastError = ERR_peek_last_error()
        let endedCleanly = lastError == 0 || ERR_GET_REASON(lastError) == PEM_R_NO_START_LINE
        if !endedCleanly {
            throw .invalidCertificate(detail: OpenSSLErrorQueue.drain())
        }
        OpenSSLErrorQueue.clear()
        if chain.isEmpty { throw .noCertificate }
        return chain
    }

    /// Reads the first certificate of `pem`.
    public convenience init(pem: [UInt8]) throws(X509Error) {
        let input = OpenSSLMemoryBIO(bytes: pem)
        OpenSSLErrorQueue.clear()
        guard let x509 = input.withUnsafeBIO({ PEM_read_bio_X509($0, nil, nil, nil) }) else {
            let lastError = ERR_peek_last_error()
            if lastError == 0 || ERR_GET_REASON(lastError) == PEM_R_NO_START_LINE {
                OpenSSLErrorQueue.clear()
                throw .noCertificate
            }
            throw .invalidCertificate(detail: OpenSSLErrorQueue.drain())
        }
        self.init(taking: x509)
    }

    public var subjectCommonName: String? { Self.commonName(of: X509_get_subject_name(x509)) }

    public var issuerCommonName: String? { Self.commonName(of: X509_get_issuer_name(x509)) }

    /// The DNS names of the subjectAltName extension, in order; other kinds (IP, email) are left out.
    public var subjectAlternativeDNSNames: [String] {
        guard let raw = X509_get_ext_d2i(x509, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { copenssl_general_names_free(names) }
        var result: [String] = []
        for index in 0..<copenssl_general_names_count(names) {
            if let dns = copenssl_general_names_dns_at(names, index), let text = Self.text(of: dns) {
                result.append(text)
            }
        }
        return result
    }

    public var notBefore: Date { Self.date(of: X509_get0_notBefore(x509)) }

    public var notAfter: Date { Self.date(of: X509_get0_notAfter(x509)) }

    /// The serial number as uppercase hexadecimal without separators, as `openssl x509 -serial` prints it.
    public var serialNumberHex: String {
        guard let serial = X509_get0_serialNumber(x509), let number = ASN1_INTEGER_to_BN(serial, nil) else {
            return ""
        }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { copenssl_free(hex) }
        return String(cString: hex)
    }

    /// SHA-256 of the DER encoding, uppercase hexadecimal without separators.
    public var sha256FingerprintHex: String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(x509, EVP_sha256(), &digest, &length) == 1 else { return "" }
        return digest.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// Whether `issuer` names this certificate's issuer and its key made this certificate's
    /// signature. A name match alone is not enough: the signature is checked.
    public func isIssued(by issuer: X509Certificate) -> Bool {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard X509_check_issued(issuer.x509, x509) == X509_V_OK else { return false }
        guard let issuerKey = X509_get0_pubkey(issuer.x509) else { return false }
        return X509_verify(x509, issuerKey) == 1
    }

    /// Whether `key` is the private half of this certificate's public key.
    public func matches(_ key: PrivateKey) -> Bool {
        guard let publicKey = X509_get0_pubkey(x509) else { return false }
        return key.withUnsafeKey { EVP_PKEY_eq(publicKey, $0) == 1 }
    }

    /// Lends the `X509` for one OpenSSL call; the pointer must not be kept past `body`
    /// (OpenSSL functions that keep it take their own reference).
    package func withUnsafeX509<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        try body(x509)
    }

    private static func commonName(of name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        return text(of: UnsafePointer(data))
    }

    private static func text(of string: UnsafePointer<ASN1_STRING>) -> String? {
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, string)
        guard length >= 0, let utf8 else { return nil }
        defer { copenssl_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func date(of time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
