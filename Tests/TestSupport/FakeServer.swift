import Foundation
import Glibc
import HTTPCore
import Synchronization

/// A one-thread server on 127.0.0.1 and an ephemeral port that acts out one `Behaviour` on
/// every connection, for the cases a real `HTTPServer` never produces: a canned or garbage
/// answer, a reset, a close without an answer, silence, a peer that speaks no TLS.
///
/// Connections are served one after another: accept, TLS handshake when the server has a
/// transport factory (plain TCP without one), read the whole request (the head and a
/// `Content-Length` body: a client tells failures "before sending" from "after sending", and
/// closing on unread bytes would send a reset where a clean close is meant), then act.
/// `stop()` ends the thread and closes every socket; call it in a `defer`.
public final class FakeServer: Sendable {
    public enum Behaviour: Sendable {
        /// Resets the TCP connection right after accepting it (SO_LINGER 0, then close).
        case resetOnAccept
        /// Writes these bytes right after accepting, before any handshake or request (plain
        /// TCP), then waits for the peer to speak or close.
        case greet([UInt8])
        /// Writes these bytes after the request, then closes cleanly (close_notify over TLS).
        case respond([UInt8])
        /// Closes cleanly after the request without answering.
        case closeAfterRequest
        /// Resets the connection after the request (SO_LINGER 0, then close).
        case resetAfterRequest
        /// Reads the request and then says nothing until the client gives up or the server stops.
        case neverAnswer
    }

    /// What one connection looked like.
    public struct Observation: Sendable {
        public var handshakeSucceeded: Bool
        /// The ALPN protocol agreed over TLS.
        public var alpn: String?
        /// The request head up to and including its blank line; what came of it when the
        /// request never came whole.
        public var requestHead: String
        /// The body the request's `Content-Length` announced.
        public var requestBody: [UInt8]
        /// Whether the head and the whole body arrived.
        public var requestComplete: Bool
    }

    public let port: Int
    private let listener: Int32
    private let wakeReader: Int32
    private let wakeWriter: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let accepted = Atomic<Int>(0)
    private let recorded = Mutex<[Observation]>([])

    /// - Parameter tls: makes the transport of each accepted socket; nil for plain TCP.
    public init(tls: (any TransportFactory)? = nil, behaviour: Behaviour) throws {
        // A peer closing mid-write must give EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let (listener, port) = try TestSockets.listen(backlog: 16)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(listener)
            throw TestSockets.Failure.systemCall("pipe")
        }
        // Child processes started by other tests must not inherit these.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.listener = listener
        self.port = port
        wakeReader = ends[0]
        wakeWriter = ends[1]
        let thread = Thread { [self] in
            serve(tls: tls, behaviour: behaviour)
            finished.signal()
        }
        thread.start()
    }

    /// A TLS server presenting `context`.
    public convenience init(tls context: TLSServerContext, behaviour: Behaviour) throws {
        try self.init(tls: TLSTransportFactory(holder: TLSContextHolder(context)), behaviour: behaviour)
    }

    /// Connections accepted so far, counted as each is accepted.
    public var acceptedConnections: Int { accepted.load(ordering: .acquiring) }

    /// One entry per served connection, in order. It is recorded before the answer is sent (so a
    /// client that has its answer can rely on it), or when the connection ended otherwise.
    public var observations: [Observation] { recorded.withLock { $0 } }

    public func stop() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWriter, &byte, 1)
        finished.wait()
        close(listener)
        close(wakeReader)
        close(wakeWriter)
    }

    private func serve(tls: (any TransportFactory)?, behaviour: Behaviour) {
        while waitFor(listener, events: Int16(POLLIN)) {
            let socket = accept(listener, nil, nil)
            guard socket >= 0 else { continue }
            _ = fcntl(socket, F_SETFD, FD_CLOEXEC)
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            accepted.add(1, ordering: .acquiringAndReleasing)
            if let observation = handle(socket: socket, tls: tls, behaviour: behaviour) {
                recorded.withLock { $0.append(observation) }
            }
        }
    }

    /// Serves one connection and closes it; returns the observation unless it was recorded
    /// already (before the answer).
    private func handle(socket: Int32, tls: (any TransportFactory)?, behaviour: Behaviour) -> Observation? {
        var observation = Observation(
            handshakeSucceeded: false, alpn: nil, requestHead: "", requestBody: [], requestComplete: false)
        switch behaviour {
        case .resetOnAccept:
            reset(socket)
            return observation
        case .greet(let bytes):
            _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            _ = waitFor(socket, events: Int16(POLLIN))
            close(socket)
            return observation
        default:
            break
        }
        guard let transport = try? tls?.makeTransport(socket: socket) ?? PlainTransport(socket: socket) else {
            close(socket)
            return observation
        }
        guard drive(socket, { transport.handshake() }) != nil else {
            close(socket)
            return observation
        }
        observation.handshakeSucceeded = true
        observation.alpn = (transport as? TLSTransport)?.negotiatedALPN
        let request = readRequest(socket, transport)
        observation.requestHead = String(decoding: request.head, as: UTF8.self)
        observation.requestBody = request.body
        observation.requestComplete = request.complete
        guard request.complete else {
            close(socket)
            return observation
        }
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
            close(socket)
        case .closeAfterRequest:
            transport.shutdown()
            close(socket)
        case .resetAfterRequest:
            reset(socket)
        case .neverAnswer:
            var sink = [UInt8](repeating: 0, count: 1024)
            while sink.withUnsafeMutableBytes({ buffer in drive(socket, { transport.read(into: buffer) }) }) != nil {}
            close(socket)
        case .resetOnAccept, .greet:
            close(socket)
        }
        return nil
    }

    /// Reads the head and the `Content-Length` body (a request never sends more before its
    /// answer); `complete` is false when the connection ended or the server stopped first.
    private func readRequest(_ socket: Int32, _ transport: any ConnectionTransport) -> (
        head: [UInt8], body: [UInt8], complete: Bool
    ) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let headEnd = received.headEnd {
                let length = Self.contentLength(inHead: received[..<headEnd])
                if received.count - headEnd >= length {
                    return (Array(received[..<headEnd]), Array(received[headEnd..<(headEnd + length)]), true)
                }
            }
            let count = chunk.withUnsafeMutableBytes { buffer in drive(socket, { transport.read(into: buffer) }) }
            guard let count, count > 0 else {
                let headEnd = received.headEnd ?? received.count
                return (Array(received[..<headEnd]), Array(received[headEnd...]), false)
            }
            received += chunk[0..<count]
        }
    }

    /// The head's `Content-Length` (names compared without case), 0 without one.
    private static func contentLength(inHead head: ArraySlice<UInt8>) -> Int {
        let text = String(decoding: head, as: UTF8.self)
        var length = 0
        for line in text.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { continue }
            length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return length
    }

    private func reset(_ socket: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(socket)
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

/// Plain TCP for a fake server that speaks HTTP without TLS.
private final class PlainTransport: ConnectionTransport {
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
    /// The index just past the blank line that ends an HTTP head, nil while there is none.
    public var headEnd: Int? {
        guard count >= 4 else { return nil }
        for index in 0...(count - 4)
        where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    /// Whether the bytes hold the blank line that ends an HTTP head.
    public var containsHeadEnd: Bool { headEnd != nil }
}
