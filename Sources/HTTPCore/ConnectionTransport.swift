/// The outcome of one non-blocking transport operation.
public enum TransportResult: Sendable, Equatable {
    /// This many bytes were read or written (for `handshake`, 0 means "done").
    case bytes(Int)
    /// Try again when the socket is readable.
    case wantRead
    /// Try again when the socket is writable.
    case wantWrite
    /// The peer closed the stream cleanly.
    case closed
    /// The stream failed; the text says why (for logs only).
    case failed(String)
}

/// How a connection's bytes travel: plain TCP, or TLS over it. A transport belongs to one
/// connection on one event loop and is never shared between threads. It does not own the
/// file descriptor: the connection closes that after `shutdown()`.
public protocol ConnectionTransport: AnyObject {
    /// Drives the handshake; a plain socket is done at once (`.bytes(0)`).
    func handshake() -> TransportResult
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult
    /// True when the transport holds already-decrypted bytes that a read would return even
    /// though the socket is not readable (TLS records read ahead).
    var hasBufferedReadData: Bool { get }
    /// Best-effort orderly close (TLS close_notify); never blocks.
    func shutdown()
}

/// Makes the transport for each accepted socket of one listener.
public protocol TransportFactory: Sendable {
    func makeTransport(socket: Int32) throws -> any ConnectionTransport
}
