import Foundation
import Glibc
import HTTPCore
import Synchronization

/// A one-thread test server on 127.0.0.1 and an ephemeral port. It serves connections one
/// after another: handshake (through the factory's transport, or plain TCP without one),
/// read one request head, then act out its `Behaviour`. `stop()` ends the thread and closes
/// every socket; call it in a `defer`.
final class TLSTestServer: Sendable {
    enum Behaviour: Sendable {
        /// Writes these bytes after the request head, then closes cleanly.
        case respond([UInt8])
        /// Closes with SO_LINGER 0 after the request head, which sends a TCP reset.
        case resetAfterRequest
        /// Reads the request head and then says nothing until the client gives up or the server stops.
        case neverAnswer
        /// Writes these bytes right after accepting, before any handshake or request (plain TCP).
        case greet([UInt8])
    }

    struct Observation: Sendable {
        var handshakeSucceeded: Bool
        var alpn: String?
        var requestHead: String
    }

    let port: Int
    private let listener: Int32
    private let wakeReader: Int32
    private let wakeWriter: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let recorded = Mutex<[Observation]>([])

    init(factory: (any TransportFactory)?, behaviour: Behaviour) throws {
        // A peer closing mid-write must give EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let (listener, port) = try TestSockets.listen(backlog: 16)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw TestSockets.Failure.systemCall("pipe") }
        self.listener = listener
        self.port = port
        self.wakeReader = pipeEnds[0]
        self.wakeWriter = pipeEnds[1]
        let thread = Thread { [self] in
            serve(factory: factory, behaviour: behaviour)
            finished.signal()
        }
        thread.start()
    }

    /// What each served connection looked like, in order.
    var observations: [Observation] { recorded.withLock { $0 } }

    func stop() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWriter, &byte, 1)
        finished.wait()
        close(listener)
        close(wakeReader)
        close(wakeWriter)
    }

    private func serve(factory: (any TransportFactory)?, behaviour: Behaviour) {
        while waitFor(listener, events: Int16(POLLIN)) {
            let socket = accept(listener, nil, nil)
            guard socket >= 0 else { continue }
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            if let observation = handle(socket: socket, factory: factory, behaviour: behaviour) {
                recorded.withLock { $0.append(observation) }
            }
        }
    }

    /// Serves one connection. The observation is recorded before the answer is sent (so a client
    /// that has its answer can rely on it), or returned when the connection ended earlier.
    private func handle(socket: Int32, factory: (any TransportFactory)?, behaviour: Behaviour) -> Observation? {
        var observation = Observation(handshakeSucceeded: false, alpn: nil, requestHead: "")
        guard let transport = try? factory?.makeTransport(socket: socket) ?? TestPlainTransport(socket: socket) else {
            close(socket)
            return observation
        }
        defer { close(socket) }
        if case .greet(let bytes) = behaviour {
            _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            _ = waitFor(socket, events: Int16(POLLIN))
            return observation
        }
        guard drive(socket, { transport.handshake() }) != nil else { return observation }
        observation.handshakeSucceeded = true
        observation.alpn = (transport as? TLSTransport)?.negotiatedALPN

        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !head.containsHeadEnd {
            let count = chunk.withUnsafeMutableBytes { buffer in drive(socket, { transport.read(into: buffer) }) }
            guard let count, count > 0 else { break }
            head += chunk[0..<count]
        }
        observation.requestHead = String(decoding: head, as: UTF8.self)
        guard head.containsHeadEnd else { return observation }
        recorded.withLock { $0.append(observation) }

        switch behaviour {
        case .respond(let bytes):
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { all in
                    drive(socket, { transport.write(UnsafeRawBufferPointer(rebasing: all[offset...])) })
                }
                guard let written, written > 0 else { break }
                offset += written
            }
            transport.shutdown()
        case .resetAfterRequest:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        case .neverAnswer:
            var sink = [UInt8](repeating: 0, count: 1024)
            while sink.withUnsafeMutableBytes({ buffer in drive(socket, { transport.read(into: buffer) }) }) != nil {}
        case .greet:
            break
        }
        return nil
    }

    /// Repeats `step` until it makes progress, waiting on the socket as it asks; nil when the
    /// connection closed, failed, or the server is stopping.
    private func drive(_ socket: Int32, _ step: () -> TransportResult) -> Int? {
        while true {
            switch step() {
            case .bytes(let count): return count
            case .wantRead: if !waitFor(socket, events: Int16(POLLIN)) { return nil }
            case .wantWrite: if !waitFor(socket, events: Int16(POLLOUT)) { return nil }
            case .closed, .failed: return nil
            }
        }
    }

    /// Waits for `events` on `descriptor`; false when `stop()` was called instead.
    private func waitFor(_ descriptor: Int32, events: Int16) -> Bool {
        var fds = [
            pollfd(fd: descriptor, events: events, revents: 0),
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0 && fds[1].revents == 0
        }
    }
}

/// Socket helpers for test servers and proxies.
enum TestSockets {
    enum Failure: Error { case systemCall(String) }

    /// A listening socket on 127.0.0.1 with an ephemeral port.
    static func listen(backlog: Int32) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.systemCall("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && Glibc.listen(descriptor, backlog) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw Failure.systemCall("bind/listen")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// Plain TCP for test servers that speak HTTP without TLS.
private final class TestPlainTransport: ConnectionTransport {
    private let socket: Int32

    init(socket: Int32) { self.socket = socket }

    func handshake() -> TransportResult { .bytes(0) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        let count = recv(socket, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .closed }
        return errno == EAGAIN ? .wantRead : .failed(String(cString: strerror(errno)))
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        let count = send(socket, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .bytes(count) }
        return errno == EAGAIN ? .wantWrite : .failed(String(cString: strerror(errno)))
    }

    var hasBufferedReadData: Bool { false }

    func shutdown() { _ = Glibc.shutdown(socket, Int32(SHUT_WR)) }
}

extension [UInt8] {
    /// Whether the bytes hold the blank line that ends an HTTP head.
    var containsHeadEnd: Bool {
        guard count >= 4 else { return false }
        for index in 0...(count - 4)
        where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13
            && self[index + 3] == 10
        {
            return true
        }
        return false
    }
}
