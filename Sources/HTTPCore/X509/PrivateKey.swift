import COpenSSL

/// A private key (RSA or EC).
///
/// Sendable because it is immutable after creation: the key is only read (signing, key
/// comparison, PEM export), which OpenSSL allows from several threads at once.
public final class PrivateKey: @unchecked Sendable {
    private let key: OpaquePointer

    private init(taking key: OpaquePointer) {
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// Reads a PEM key: PKCS#8 (`BEGIN PRIVATE KEY`) or a traditional RSA or EC block.
    /// An encrypted key is refused rather than prompting for a passphrase on the terminal.
    public convenience init(pem: [UInt8]) throws(X509Error) {
        let input = OpenSSLMemoryBIO(bytes: pem)
        OpenSSLErrorQueue.clear()
        let refusePassphrase:
            @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?)
                -> Int32 = { _, _, _, _ in -1 }
        guard let key = input.withUnsafeBIO({ PEM_read_bio_PrivateKey($0, nil, refusePassphrase, nil) }) else {
            throw .invalidPrivateKey(detail: OpenSSLErrorQueue.drain(fallback: "no PEM private key found"))
        }
        self.init(taking: key)
    }

    /// A new key on the NIST P-256 curve: small, fast, and accepted by every current client.
    public static func generateECP256() -> PrivateKey {
        guard let key = copenssl_generate_ec_p256() else {
            fatalError("OpenSSL could not generate a P-256 key: \(OpenSSLErrorQueue.drain())")
        }
        return PrivateKey(taking: key)
    }

    /// A new RSA key of `bits` bits (2048 or more for anything real).
    public static func generateRSA(bits: Int) -> PrivateKey {
        guard let key = copenssl_generate_rsa(UInt32(bits)) else {
            fatalError("OpenSSL could not generate an RSA key: \(OpenSSLErrorQueue.drain())")
        }
        return PrivateKey(taking: key)
    }

    /// The key as an unencrypted PKCS#8 PEM block.
    public var pkcs8PEM: [UInt8] {
        let output = OpenSSLMemoryBIO()
        _ = output.withUnsafeBIO { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return output.contents
    }

    /// Lends the `EVP_PKEY` for one OpenSSL call; the pointer must not be kept past `body`.
    package func withUnsafeKey<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        try body(key)
    }
}
