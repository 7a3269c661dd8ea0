import Dispatch
import HTTPCore
import Synchronization

/// A gate a deferred test handler waits on, opened by the test; lets a test hold a request
/// in flight for as long as it needs without guessing at times.
final class ServerTestGate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let entered = DispatchSemaphore(value: 0)

    func open() { semaphore.signal() }
    func wait() { semaphore.wait() }
    func markEntered() { entered.signal() }
    /// Blocks until a request has reached the handler (or 5 s pass); returns whether it did.
    func waitUntilEntered() -> Bool { entered.wait(timeout: .now() + 5) == .success }
}

/// Routes for the server tests:
/// `/` text, `/echo` the body, `/gate` deferred until the gate opens, `/medium` 100 KB, `/large` 8 MB,
/// `/whoami` the peer address, anything else 404.
struct ServerTestHandler: HTTPHandler {
    let gate: ServerTestGate

    init(gate: ServerTestGate = ServerTestGate()) {
        self.gate = gate
    }

    /// Bigger than loopback socket buffers, so writing it takes several EPOLLOUT rounds.
    static let largeBody: [UInt8] = (0..<(8 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    /// Above the server's encoding high-water mark, small enough for one write on loopback.
    static let mediumBody: [UInt8] = (0..<(100 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        switch request.path {
        case "/":
            return .response(HTTPResponse(status: 200, contentType: "text/plain", body: "hello"))
        case "/echo":
            return .response(HTTPResponse(status: 200, body: request.body))
        case "/gate":
            let gate = self.gate
            return .deferred { respond in
                gate.markEntered()
                DispatchQueue.global().async {
                    gate.wait()
                    respond(HTTPResponse(status: 200, contentType: "text/plain", body: "gated"))
                }
            }
        case "/medium":
            return .response(HTTPResponse(status: 200, body: ServerTestHandler.mediumBody))
        case "/large":
            return .response(HTTPResponse(status: 200, body: ServerTestHandler.largeBody))
        case "/whoami":
            return .response(HTTPResponse(status: 200, contentType: "text/plain", body: request.remoteAddress))
        default:
            return .response(HTTPResponse(status: 404, contentType: "text/plain", body: "not found"))
        }
    }
}

/// Starts a server on an ephemeral port of `host`, runs `body`, and always stops the server.
func withServerForTest(
    host: String = "127.0.0.1",
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    handler: any HTTPHandler = ServerTestHandler(),
    transport: (any TransportFactory)? = nil,
    _ body: (HTTPServer, Int) throws -> Void
) throws {
    var configuration = HTTPServerConfiguration()
    configuration.workers = 2
    configure(&configuration)
    let server = HTTPServer(configuration: configuration)
    let info = try server.listen(host: host, port: 0, transport: transport)
    try server.start(handler: handler)
    defer {
        server.shutdown(gracePeriod: .milliseconds(500))
        server.waitUntilStopped()
    }
    try body(server, info.port)
}
