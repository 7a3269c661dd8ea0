import Foundation
import Glibc
import HTTPCore
import Synchronization

/// A listener on 127.0.0.1 that accepts connections and never answers them, in one of the
/// ways a broken network or server does. `HTTPServer` always answers, so these need their own
/// small accept loop. `stop()` ends the thread and closes every socket.
final class EndToEndMisbehavingServer: Sendable {
    enum Behaviour: Sendable {
        /// Resets the TCP connection right after accepting it (SO_LINGER 0, then close).
        case resetOnAccept
        /// Completes the TLS handshake, reads the whole request, then closes cleanly.
        case closeAfterRequest(TLSServerContext)
        /// Completes the TLS handshake, reads the whole request, then resets the connection.
        case resetAfterRequest(TLSServerContext)
    }

    enum Failure: Error {
        case systemCall(String, Int32)
    }

    let port: Int
    private let listener: Int32
    private let wakeReader: Int32
    private let wakeWriter: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let accepted = Atomic<Int>(0)

    init(behaviour: Behaviour) throws {
        signal(SIGPIPE, SIG_IGN)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.systemCall("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, Glibc.listen(descriptor, 16) == 0 else {
            let code = errno
            close(descriptor)
            throw Failure.systemCall("bind/listen", code)
        }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(descriptor)
            throw Failure.systemCall("pipe", errno)
        }
        // Child processes started by other tests must not inherit these.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        wakeReader = ends[0]
        wakeWriter = ends[1]
        let thread = Thread { [self] in
            serve(behaviour)
            finished.signal()
        }
        thread.start()
    }

    /// Connections accepted so far.
    var acceptedConnections: Int { accepted.load(ordering: .acquiring) }

    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
        finished.wait()
        close(listener)
        close(wakeReader)
        close(wakeWriter)
    }

    private func serve(_ behaviour: Behaviour) {
        while true {
            var watched = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&watched, 2, -1) >= 0 || errno == EINTR else { return }
            if watched[1].revents != 0 { return }
            guard watched[0].revents != 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            accepted.add(1, ordering: .acquiringAndReleasing)
            switch behaviour {
            case .resetOnAccept:
                reset(connection)
            case .closeAfterRequest(let context):
                readRequest(connection, context: context)?.shutdown()
                close(connection)
            case .resetAfterRequest(let context):
                _ = readRequest(connection, context: context)
                reset(connection)
            }
        }
    }

    private func reset(_ connection: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(connection)
    }

    /// Completes the handshake and reads the request to its last body byte (closing with unread
    /// bytes would send a reset where a clean close is meant); nil when it never came whole.
    private func readRequest(_ connection: Int32, context: TLSServerContext) -> TLSTransport? {
        // A client that stalls must not hang the test: blocking calls give up after 5 s.
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard let transport = try? TLSTransport(context: context, socket: connection),
            case .bytes = transport.handshake()
        else { return nil }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while !Self.holdsWholeRequest(received) {
            let result = chunk.withUnsafeMutableBytes { transport.read(into: $0) }
            guard case .bytes(let count) = result, count > 0 else { return nil }
            received += chunk[0..<count]
        }
        return transport
    }

    private static func holdsWholeRequest(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<headEnd.lowerBound].lowercased()
        var length = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return text[headEnd.upperBound...].utf8.count >= length
    }
}
