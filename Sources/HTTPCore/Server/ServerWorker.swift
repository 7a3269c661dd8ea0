import CLinuxShims
import Glibc

/// One worker: an event loop's share of the server. It owns its listening sockets (one per
/// listener, bound with SO_REUSEPORT so the kernel spreads new connections across workers
/// without any hand-off between threads) and every connection accepted on them, for their
/// whole life. Everything here runs on the loop's thread.
///
/// The loop thread keeps its worker alive while it runs, so timers and connections refer to
/// it `unowned`: no weak reference, whose side table would slow every access to it.
final class ServerWorker {
    let loop: EventLoop
    let context: ServerContext
    /// One read buffer per loop: a connection's bytes go from it straight into its parser.
    let readBuffer: UnsafeMutableRawBufferPointer
    private(set) var date = ServerDateHeader()
    /// Given at `start`: the loop runs no request before then.
    private(set) var handler: any HTTPHandler = NotStartedHandler()
    private(set) var draining = false

    private var listeners: [ServerListener] = []
    private var connections: [HTTP1Session] = []
    private var tickTimer: EventLoopTimerID?
    private var graceTimer: EventLoopTimerID?

    /// How often deadlines are checked: a timeout fires up to this much late, which no limit
    /// needs to be tighter than, and it costs one pass over the connections per tick.
    static let tickInterval: Duration = .milliseconds(250)

    init(loop: EventLoop, context: ServerContext) {
        self.loop = loop
        self.context = context
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    func start(handler: any HTTPHandler) {
        self.handler = handler
        tickTimer = loop.scheduleRepeating(every: Self.tickInterval) { [unowned self] in self.tick() }
    }

    private func tick() {
        date.refresh()
        let now = loop.now
        // Backwards, because a connection that closes swaps the last one into its place.
        var index = connections.count - 1
        while index >= 0 {
            if index < connections.count, connections[index].deadline <= now {
                connections[index].deadlineExpired()
            }
            index -= 1
        }
    }

    // MARK: Listeners

    func addListener(fd: Int32, port: Int, factory: (any TransportFactory)?) {
        let listener = ServerListener(fd: fd, port: port, factory: factory, worker: self)
        guard !draining, (try? loop.register(fd: fd, interest: .readable, handler: listener)) != nil else {
            close(fd)
            return
        }
        listeners.append(listener)
    }

    func acceptConnections(on listener: ServerListener) {
        // Bounded so a flood of connections cannot keep the loop from serving its others;
        // level-triggered epoll reports the rest on the next turn. A TLS connection starts
        // with a handshake costing about a millisecond of CPU, so a TLS listener takes a few
        // at a time: a burst of new clients then cannot stall requests already in flight.
        let batch = listener.factory == nil ? 64 : 4
        for _ in 0..<batch {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    chttp_accept4(
                        listener.fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: pauseAccepting(listener)
                default: break
                }
                return
            }
            let open = context.openConnections.add(1, ordering: .relaxed).newValue
            guard open <= context.configuration.maxConnections else {
                context.openConnections.subtract(1, ordering: .relaxed)
                close(fd)
                continue
            }
            let peer = ServerListenSocket.describe(storage)
            guard context.admitConnection(from: peer.address) else {
                context.openConnections.subtract(1, ordering: .relaxed)
                close(fd)
                continue
            }
            ServerListenSocket.configureAccepted(fd)
            let transport: any ConnectionTransport
            do {
                transport = try listener.factory?.makeTransport(socket: fd) ?? PlainTransport(socket: fd)
            } catch {
                context.releaseConnection(from: peer.address)
                context.openConnections.subtract(1, ordering: .relaxed)
                close(fd)
                continue
            }
            let channel = ConnectionChannel(
                fd: fd, transport: transport, worker: self, remoteAddress: peer.address, localPort: listener.port,
                isSecure: listener.factory != nil)
            let connection = HTTP1Session(channel: channel, worker: self)
            guard (try? loop.register(fd: fd, interest: .readable, handler: connection)) != nil else {
                context.releaseConnection(from: peer.address)
                context.openConnections.subtract(1, ordering: .relaxed)
                close(fd)
                continue
            }
            connection.tableIndex = connections.count
            connections.append(connection)
            connection.begin()
        }
    }

    /// Out of descriptors: a level-triggered listener would wake the loop in a busy spin, so
    /// it is muted for a moment while connections close.
    private func pauseAccepting(_ listener: ServerListener) {
        loop.modify(fd: listener.fd, interest: [])
        loop.schedule(after: .milliseconds(100)) { [unowned self] in
            guard !self.draining else { return }
            self.loop.modify(fd: listener.fd, interest: .readable)
        }
    }

    // MARK: Connections

    /// Called by a connection as it closes.
    func connectionClosed(_ connection: HTTP1Session) {
        let slot = connection.tableIndex
        guard slot < connections.count, connections[slot] === connection else { return }
        let last = connections.removeLast()
        if slot < connections.count {
            connections[slot] = last
            last.tableIndex = slot
        }
        releaseClientSlot(of: connection)
        context.openConnections.subtract(1, ordering: .relaxed)
        if draining && connections.isEmpty { finish() }
    }

    /// Stops counting `connection` against its client's cap; once only.
    func releaseClientSlot(of connection: HTTP1Session) {
        guard connection.holdsClientSlot else { return }
        connection.holdsClientSlot = false
        context.releaseConnection(from: connection.channel.remoteAddress)
    }

    /// Response bytes encoded and not yet written on this worker's connections.
    var pendingOutputByteCount: Int {
        connections.reduce(0) { $0 + $1.channel.pendingOutputCount }
    }

    // MARK: Shutdown

    /// Stops accepting, lets each connection finish what it has started, and stops the loop
    /// when none is left or when `grace` is over, whichever comes first.
    func beginDrain(grace: Duration) {
        guard !draining else { return }
        draining = true
        for listener in listeners {
            loop.unregister(fd: listener.fd)
            close(listener.fd)
        }
        listeners.removeAll()
        graceTimer = loop.schedule(after: grace) { [unowned self] in self.forceClose() }
        for connection in connections.reversed() { connection.drainIfQuiet() }
        if connections.isEmpty { finish() }
    }

    private func forceClose() {
        for connection in connections.reversed() { connection.close() }
        finish()
    }

    private func finish() {
        if let tickTimer { loop.cancelTimer(tickTimer) }
        if let graceTimer { loop.cancelTimer(graceTimer) }
        tickTimer = nil
        graceTimer = nil
        loop.stop()
    }
}

/// A listening socket registered on one worker's loop.
final class ServerListener: EventLoopFileHandler {
    let fd: Int32
    let port: Int
    let factory: (any TransportFactory)?
    unowned let worker: ServerWorker

    init(fd: Int32, port: Int, factory: (any TransportFactory)?, worker: ServerWorker) {
        self.fd = fd
        self.port = port
        self.factory = factory
        self.worker = worker
    }

    func handleEvents(_ events: EventLoopEvents) {
        worker.acceptConnections(on: self)
    }
}

/// Answers for a worker whose server was never started (a loop run only to close its
/// listeners): nothing is served before `start(handler:)`.
private struct NotStartedHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        .response(HTTPResponse(status: 503, contentType: "text/plain; charset=utf-8", body: "not started\n"))
    }
}
