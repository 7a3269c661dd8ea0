import Foundation
import Glibc
import HTTPCore
import Testing

/// A stand-in for TLS: its handshake asks for a write, then a read, before it is done, and
/// it reads everything the socket has into its own buffer but hands it out a few bytes at a
/// time, so bytes sit in the transport where no epoll event announces them.
final class ServerTestTrickleTransport: ConnectionTransport {
    private let socket: Int32
    private var handshakeSteps: [TransportResult]
    private let handshakeStalls: Bool
    private var held: [UInt8] = []

    init(socket: Int32, handshakeSteps: [TransportResult], handshakeStalls: Bool) {
        self.socket = socket
        self.handshakeSteps = handshakeSteps
        self.handshakeStalls = handshakeStalls
    }

    func handshake() -> TransportResult {
        if handshakeStalls { return .wantRead }
        guard !handshakeSteps.isEmpty else { return .bytes(0) }
        return handshakeSteps.removeFirst()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        if held.isEmpty {
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = recv(socket, &chunk, chunk.count, 0)
            if count == 0 { return .closed }
            if count < 0 { return errno == EAGAIN ? .wantRead : .failed("recv") }
            held = Array(chunk[0..<count])
        }
        let count = min(5, held.count, buffer.count)
        buffer.copyBytes(from: held[0..<count])
        held.removeFirst(count)
        return .bytes(count)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        let count = send(socket, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .bytes(count) }
        return errno == EAGAIN ? .wantWrite : .closed
    }

    var hasBufferedReadData: Bool { !held.isEmpty }

    func shutdown() {}
}

struct ServerTestTrickleFactory: TransportFactory {
    var handshakeSteps: [TransportResult] = [.wantWrite, .wantRead]
    /// A handshake that never finishes.
    var handshakeStalls = false

    func makeTransport(socket: Int32) throws -> any ConnectionTransport {
        ServerTestTrickleTransport(socket: socket, handshakeSteps: handshakeSteps, handshakeStalls: handshakeStalls)
    }
}

@Suite struct ServerTransportTests {
    @Test func bytesHeldByTheTransportAreNotStranded() throws {
        try withServerForTest(transport: ServerTestTrickleFactory()) { _, port in
            let client = try ServerTestClient(port: port)
            let request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
            client.send(request + request + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
            let responses = try (0..<3).map { _ in try client.readResponse() }
            #expect(responses.map(\.bodyText) == ["hello", "hello", "abc"])
        }
    }

    @Test func stalledHandshakeIsClosedAfterTheHandshakeTimeout() throws {
        try withServerForTest(
            configure: { $0.handshakeTimeout = .milliseconds(300) },
            transport: ServerTestTrickleFactory(handshakeStalls: true)
        ) { _, port in
            let client = try ServerTestClient(port: port)
            #expect(client.isClosedByServer())
        }
    }

    @Test func largeResponsesSurvivePartialWritesAndKeepOrder() throws {
        try withServerForTest { _, port in
            // 16 MB through loopback: on a machine busy with the whole suite this can pause for
            // seconds; the timeout guards against a hang, not against slowness.
            let client = try ServerTestClient(port: port, receiveTimeoutSeconds: 30)
            client.send(
                "GET /large HTTP/1.1\r\nHost: a\r\n\r\nGET /large HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
            )
            let first = try client.readResponse()
            let second = try client.readResponse()
            let third = try client.readResponse()
            #expect(first.body == ServerTestHandler.largeBody)
            #expect(second.body == ServerTestHandler.largeBody)
            #expect(third.bodyText == "hello")
        }
    }
}
