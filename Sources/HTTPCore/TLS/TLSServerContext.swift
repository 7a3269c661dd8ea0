import COpenSSL
import SystemKit

/// The listener's TLS configuration: one `SSL_CTX` with the certificate chain and key.
///
/// Profile (close to Mozilla's "intermediate"): TLS 1.2 and 1.3 only; for 1.2 only
/// forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305); the server's suite
/// order decides, except that a client listing ChaCha20 first (no AES hardware) gets it;
/// ALPN picks `http/1.1`; session resumption through both the server cache and tickets; no
/// renegotiation.
///
/// Sendable because it is immutable after `init`: the `SSL_CTX` is never configured again,
/// and OpenSSL locks what connections change in it (reference count, session cache).
public final class TLSServerContext: @unchecked Sendable {
    private let context: OpaquePointer
    /// The chain being served, leaf first.
    public let certificateChain: [X509Certificate]

    /// The TLS 1.2 suites; TLS 1.3 keeps OpenSSL's defaults, which are all AEAD and forward-secret.
    static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) throws(TLSError) {
        let chain: [X509Certificate]
        let key: PrivateKey
        do {
            chain = try X509Certificate.parseChain(pem: certificateChainPEM)
        } catch {
            throw .invalidCertificate(detail: error.description)
        }
        do {
            key = try PrivateKey(pem: privateKeyPEM)
        } catch {
            throw .invalidPrivateKey(detail: error.description)
        }
        guard chain[0].matches(key) else { throw .keyMismatch }

        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .contextSetupFailed(detail: OpenSSLErrorQueue.drain())
        }
        // From here on the class owns the context, so deinit frees it even if setup fails.
        self.context = context
        self.certificateChain = chain
        try configureProtocol()
        try installChain(chain, key: key)
    }

    /// Reads the chain and key from PEM files.
    public convenience init(certificateFile: String, keyFile: String) throws(TLSError) {
        let chain = try Self.readFile(certificateFile)
        let key = try Self.readFile(keyFile)
        try self.init(certificateChainPEM: chain, privateKeyPEM: key)
    }

    deinit { SSL_CTX_free(context) }

    /// Lends the `SSL_CTX` to make a connection's `SSL` (which takes its own reference); the
    /// pointer must not be kept past `body`.
    func withUnsafeContext<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        try body(context)
    }

    private func configureProtocol() throws(TLSError) {
        guard copenssl_ctx_set_min_proto(context, TLS1_2_VERSION) == 1,
            copenssl_ctx_set_max_proto(context, TLS1_3_VERSION) == 1,
            SSL_CTX_set_cipher_list(context, Self.tls12CipherList) == 1,
            copenssl_ctx_set1_groups_list(context, "X25519:P-256:P-384") == 1
        else { throw .contextSetupFailed(detail: OpenSSLErrorQueue.drain()) }

        // Browsers often close without close_notify; treat that as an ordinary end of stream,
        // which is safe for HTTP because every message carries its own length.
        // The server's order decides so that no client, however badly configured, talks it down
        // to a weaker suite of the list; ChaCha20 still wins for clients that prefer it.
        let options =
            copenssl_op_no_renegotiation() | copenssl_op_ignore_unexpected_eof() | copenssl_op_no_compression()
            | copenssl_op_cipher_server_preference() | copenssl_op_prioritize_chacha()
        _ = copenssl_ctx_set_options(context, options)
        // The event loop may retry a write with a different buffer holding the same bytes.
        _ = copenssl_ctx_set_mode(
            context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))

        _ = copenssl_ctx_set_session_cache_mode(context, Int(SSL_SESS_CACHE_SERVER))
        _ = copenssl_ctx_sess_set_cache_size(context, 1024)
        let sessionContext = Array("iot-box-homepage".utf8)
        guard SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count)) == 1 else {
            throw .contextSetupFailed(detail: OpenSSLErrorQueue.drain())
        }
        SSL_CTX_set_alpn_select_cb(context, selectHTTP11, nil)
    }

    private func installChain(_ chain: [X509Certificate], key: PrivateKey) throws(TLSError) {
        let leafInstalled = chain[0].withUnsafeX509 { SSL_CTX_use_certificate(context, $0) } == 1
        guard leafInstalled else { throw .invalidCertificate(detail: OpenSSLErrorQueue.drain()) }
        for intermediate in chain.dropFirst() {
            let added = intermediate.withUnsafeX509 { copenssl_ctx_add1_chain_cert(context, $0) } == 1
            guard added else { throw .invalidCertificate(detail: OpenSSLErrorQueue.drain()) }
        }
        let keyInstalled = key.withUnsafeKey { SSL_CTX_use_PrivateKey(context, $0) } == 1
        guard keyInstalled, SSL_CTX_check_private_key(context) == 1 else {
            OpenSSLErrorQueue.clear()
            throw .keyMismatch
        }
    }

    private static func readFile(_ path: String) throws(TLSError) -> [UInt8] {
        do throws(FileError) {
            return try FileSystem.read(path, maxBytes: 1024 * 1024)
        } catch {
            throw .fileUnreadable(path: path, detail: SystemError(error.code).description)
        }
    }
}

/// ALPN: answer `http/1.1` when the client offers it. A client that offers only other
/// protocols (h2 alone) still gets a connection without ALPN rather than a fatal alert, since
/// it may well speak HTTP/1.1 anyway; a client that sends no ALPN never reaches this callback.
private func selectHTTP11(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    let wanted = Array("http/1.1".utf8)
    var index = 0
    let total = Int(offeredLength)
    while index < total {
        let length = Int(offered[index])
        let start = index + 1
        guard start + length <= total else { break }
        if length == wanted.count && (0..<length).allSatisfy({ offered[start + $0] == wanted[$0] }) {
            // Points into the client's own list, which outlives the handshake step that reads it.
            out.pointee = offered + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index = start + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
