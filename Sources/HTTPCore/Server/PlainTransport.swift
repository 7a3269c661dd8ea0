import Glibc
import SystemKit

/// Plain TCP: reads and writes go straight to the socket. `send` with `MSG_NOSIGNAL` keeps a
/// write to a reset peer from raising SIGPIPE even if the process did not ignore it.
public final class PlainTransport: ConnectionTransport {
    private let socket: Int32

    public init(socket: Int32) {
        self.socket = socket
    }

    public func handshake() -> TransportResult { .bytes(0) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        while true {
            let count = recv(socket, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wantRead
            case ECONNRESET: return .closed
            case let code: return .failed("recv: \(SystemError(code))")
            }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        while true {
            let count = send(socket, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .bytes(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wantWrite
            case EPIPE, ECONNRESET: return .closed
            case let code: return .failed("send: \(SystemError(code))")
            }
        }
    }

    public var hasBufferedReadData: Bool { false }

    public func shutdown() {}
}
