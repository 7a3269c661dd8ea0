import Glibc

/// Byte transport under the client's HTTP code: plain TCP or TLS over it. Every call blocks
/// the calling worker thread, never past `deadline`.
protocol HTTPClientByteStream: AnyObject {
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError)
    /// Reads up to `buffer.count` bytes; 0 means the peer closed the stream.
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int
}

/// One connected non-blocking TCP socket, closed when the object goes away.
final class HTTPClientSocket: HTTPClientByteStream {
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Tries each address in turn, each for at most `connectTimeout` and all within `deadline`.
    static func connect(
        host: String, addresses: [String], port: Int, connectTimeout: Duration, deadline: ContinuousClock.Instant
    ) throws(HTTPClientError) -> HTTPClientSocket {
        var lastError = HTTPClientError.connectionRefused(host: host, port: port)
        for address in addresses {
            let attemptDeadline = min(deadline, .now + connectTimeout)
            do throws(HTTPClientError) {
                return try attempt(address: address, port: port, host: host, deadline: attemptDeadline)
            } catch {
                lastError = error
                if ContinuousClock.now >= deadline { throw .timedOut }
            }
        }
        throw lastError
    }

    private static func attempt(
        address: String, port: Int, host: String, deadline: ContinuousClock.Instant
    ) throws(HTTPClientError) -> HTTPClientSocket {
        var storage = sockaddr_storage()
        var length: socklen_t
        let family: Int32
        if address.contains(":") {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let parsed = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                    ipv6.pointee.sin6_family = sa_family_t(AF_INET6)
                    ipv6.pointee.sin6_port = UInt16(port).bigEndian
                    return inet_pton(AF_INET6, address, &ipv6.pointee.sin6_addr) == 1
                }
            }
            guard parsed else { throw .dnsFailed(host: host, detail: "unusable address \(address)") }
        } else {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let parsed = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                    ipv4.pointee.sin_family = sa_family_t(AF_INET)
                    ipv4.pointee.sin_port = UInt16(port).bigEndian
                    return inet_pton(AF_INET, address, &ipv4.pointee.sin_addr) == 1
                }
            }
            guard parsed else { throw .dnsFailed(host: host, detail: "unusable address \(address)") }
        }
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .connectionRefused(host: host, port: port) }
        let socket = HTTPClientSocket(descriptor: descriptor)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var noDelay: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))

        let started = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, length) }
        }
        if started != 0 {
            guard errno == EINPROGRESS else { throw connectFailure(errno, host: host, port: port) }
            try socket.wait(for: Int16(POLLOUT), until: deadline, onTimeout: .connectTimedOut)
            var problem: Int32 = 0
            length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &problem, &length)
            if problem != 0 { throw connectFailure(problem, host: host, port: port) }
        }
        return socket
    }

    private static func connectFailure(_ code: Int32, host: String, port: Int) -> HTTPClientError {
        switch code {
        case ECONNREFUSED: return .connectionRefused(host: host, port: port)
        case ETIMEDOUT: return .connectTimedOut
        case ECONNRESET: return .connectionReset
        default: return .connectionRefused(host: host, port: port)
        }
    }

    /// Waits until the socket is ready for `events`, or throws `onTimeout` at `deadline`.
    func wait(
        for events: Int16, until deadline: ContinuousClock.Instant, onTimeout: HTTPClientError = .timedOut
    ) throws(HTTPClientError) {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw onTimeout }
            let milliseconds =
                remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: max(1, milliseconds)))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .connectionReset }
        }
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EINTR) {
                try wait(for: Int16(POLLOUT), until: deadline)
            } else {
                throw .connectionReset
            }
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            switch errno {
            case EAGAIN, EINTR: try wait(for: Int16(POLLIN), until: deadline)
            default: throw .connectionReset
            }
        }
    }
}
