import COpenSSL
import Glibc
import SystemKit

/// TLS over one accepted non-blocking socket, driven by its event loop.
///
/// Every call clears the thread's OpenSSL error queue first: `SSL_get_error` reads that queue,
/// and one loop thread serves many connections, so a stale entry from another connection
/// would otherwise turn a harmless "want read" into a failure.
public final class TLSTransport: ConnectionTransport {
    private let ssl: OpaquePointer
    /// Kept so the configuration this connection started with stays alive as long as it does.
    private let context: TLSServerContext
    /// After a fatal error OpenSSL forbids further calls on the connection, close_notify included.
    private var hasFailed = false

    public init(context: TLSServerContext, socket: Int32) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = context.withUnsafeContext({ SSL_new($0) }) else {
            throw .connectionSetupFailed(detail: OpenSSLErrorQueue.drain())
        }
        self.ssl = ssl
        self.context = context
        guard SSL_set_fd(ssl, socket) == 1 else {
            throw .connectionSetupFailed(detail: OpenSSLErrorQueue.drain())
        }
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// Whether the handshake has completed.
    public var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }

    /// The protocol chosen by ALPN (`http/1.1`), or nil when the client sent none.
    public var negotiatedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    public func handshake() -> TransportResult {
        if hasFailed { return .failed("connection already failed") }
        OpenSSLErrorQueue.clear()
        errno = 0
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .bytes(0) }
        return classify(result)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        if hasFailed { return .failed("connection already failed") }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .bytes(0) }
        OpenSSLErrorQueue.clear()
        errno = 0
        var count = 0
        let result = SSL_read_ex(ssl, base, buffer.count, &count)
        if result == 1 { return .bytes(count) }
        return classify(result)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        if hasFailed { return .failed("connection already failed") }
        // A zero-length SSL_write has no defined meaning; nothing to send is simply done.
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .bytes(0) }
        OpenSSLErrorQueue.clear()
        errno = 0
        var count = 0
        let result = SSL_write_ex(ssl, base, bytes.count, &count)
        if result == 1 { return .bytes(count) }
        return classify(result)
    }

    public var hasBufferedReadData: Bool { SSL_pending(ssl) > 0 }

    public func shutdown() {
        guard !hasFailed, isHandshakeComplete else { return }
        OpenSSLErrorQueue.clear()
        // One call queues and tries to send close_notify. Waiting for the peer's reply would
        // block or need another loop turn; HTTP does not need it, so the result is ignored.
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    private func classify(_ result: Int32) -> TransportResult {
        let savedErrno = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            hasFailed = true
            let detail = OpenSSLErrorQueue.drain(fallback: "")
            if savedErrno == 0 && detail.isEmpty { return .closed }
            return .failed(detail.isEmpty ? SystemError(savedErrno).description : detail)
        default:
            hasFailed = true
            return .failed(OpenSSLErrorQueue.drain(fallback: "TLS protocol error"))
        }
    }
}

/// Makes a `TLSTransport` for each socket a TLS listener accepts, with whatever context the
/// holder has at that moment.
public struct TLSTransportFactory: TransportFactory {
    public let holder: TLSContextHolder

    public init(holder: TLSContextHolder) {
        self.holder = holder
    }

    public func makeTransport(socket: Int32) throws -> any ConnectionTransport {
        try TLSTransport(context: holder.current, socket: socket)
    }
}
