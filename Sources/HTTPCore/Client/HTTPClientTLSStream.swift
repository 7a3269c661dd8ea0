import COpenSSL
import Glibc

/// A verifying TLS client session over a connected socket: the system's trusted CAs plus an
/// optional extra CA file, TLS 1.2 or later, SNI, and a check that the certificate names
/// the host (DNS name or IP address) the URL named.
final class HTTPClientTLSStream: HTTPClientByteStream {
    private let socket: HTTPClientSocket
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(
        socket: HTTPClientSocket, host: String, extraCAFile: String?, deadline: ContinuousClock.Instant
    ) throws(HTTPClientError) {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tlsHandshakeFailed(detail: OpenSSLErrorQueue.drain())
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .tlsHandshakeFailed(detail: OpenSSLErrorQueue.drain())
        }
        // Both pointers are owned from here, so deinit frees them on every error below.
        self.socket = socket
        self.context = context
        self.ssl = ssl
        try configure(host: host, extraCAFile: extraCAFile)
        try handshake(host: host, deadline: deadline)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    private func configure(host: String, extraCAFile: String?) throws(HTTPClientError) {
        _ = copenssl_ctx_set_min_proto(context, TLS1_2_VERSION)
        _ = copenssl_ctx_set_options(context, copenssl_op_ignore_unexpected_eof())
        guard SSL_CTX_set_default_verify_paths(context) == 1 else {
            throw .tlsHandshakeFailed(detail: "cannot load the system CA store: \(OpenSSLErrorQueue.drain())")
        }
        if let extraCAFile, SSL_CTX_load_verify_locations(context, extraCAFile, nil) != 1 {
            throw .tlsHandshakeFailed(
                detail: "cannot load the CA file \(extraCAFile): \(OpenSSLErrorQueue.drain())")
        }
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nil)
        if HTTPClient.isIPLiteral(host) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 else {
                throw .tlsHandshakeFailed(detail: "cannot check the certificate against \(host)")
            }
        } else {
            guard SSL_set1_host(ssl, host) == 1, copenssl_set_tlsext_host_name(ssl, host) == 1 else {
                throw .tlsHandshakeFailed(detail: "cannot check the certificate against \(host)")
            }
        }
        let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
        _ = SSL_set_alpn_protos(ssl, alpn, UInt32(alpn.count))
        guard SSL_set_fd(ssl, socket.descriptor) == 1 else {
            throw .tlsHandshakeFailed(detail: OpenSSLErrorQueue.drain())
        }
    }

    private func handshake(host: String, deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        while true {
            OpenSSLErrorQueue.clear()
            errno = 0
            let result = SSL_connect(ssl)
            if result == 1 { return }
            let savedErrno = errno
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ:
                try socket.wait(for: Int16(POLLIN), until: deadline)
            case SSL_ERROR_WANT_WRITE:
                try socket.wait(for: Int16(POLLOUT), until: deadline)
            default:
                let verification = SSL_get_verify_result(ssl)
                if verification == X509_V_ERR_HOSTNAME_MISMATCH || verification == X509_V_ERR_IP_ADDRESS_MISMATCH {
                    throw .hostnameMismatch(host: host)
                }
                if verification != X509_V_OK {
                    throw .certificateNotTrusted(detail: String(cString: X509_verify_cert_error_string(verification)))
                }
                if savedErrno == ECONNRESET || savedErrno == EPIPE { throw .connectionReset }
                throw .tlsHandshakeFailed(detail: OpenSSLErrorQueue.drain(fallback: "the server closed the connection"))
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            OpenSSLErrorQueue.clear()
            errno = 0
            var written = 0
            let result = bytes.withUnsafeBytes {
                SSL_write_ex(ssl, $0.baseAddress! + offset, $0.count - offset, &written)
            }
            if result == 1 {
                offset += written
                continue
            }
            try waitOrFail(result, deadline: deadline)
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int {
        while true {
            OpenSSLErrorQueue.clear()
            errno = 0
            var count = 0
            let result = buffer.withUnsafeMutableBytes { SSL_read_ex(ssl, $0.baseAddress, $0.count, &count) }
            if result == 1 { return count }
            if SSL_get_error(ssl, result) == SSL_ERROR_ZERO_RETURN { return 0 }
            try waitOrFail(result, deadline: deadline)
        }
    }

    /// Waits when OpenSSL asks to; otherwise turns its failure into the client's error.
    private func waitOrFail(_ result: Int32, deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        let savedErrno = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            try socket.wait(for: Int16(POLLIN), until: deadline)
        case SSL_ERROR_WANT_WRITE:
            try socket.wait(for: Int16(POLLOUT), until: deadline)
        case SSL_ERROR_SYSCALL where savedErrno == ECONNRESET || savedErrno == EPIPE:
            throw .connectionReset
        default:
            let detail = OpenSSLErrorQueue.drain(fallback: "")
            if detail.isEmpty { throw .connectionReset }
            throw .malformedResponse(detail: "TLS error: \(detail)")
        }
    }
}
