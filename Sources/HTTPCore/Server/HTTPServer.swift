import Dispatch
import Glibc
import Synchronization

/// An HTTP/1.1 server: `workers` event-loop threads, each with its own epoll, serving any
/// number of listeners (plain, or TLS through a `TransportFactory`).
///
/// The handler runs on the event loops and must not block them: work that waits (file I/O
/// beyond a small file, network, locks held by slow code) returns `.deferred` and answers
/// from another thread. A handler that blocks stalls every connection of its loop.
public final class HTTPServer: Sendable {
    private enum Phase {
        case idle
        case running
        case stopping
        case stopped
    }

    private struct State {
        var phase = Phase.idle
        var workers: [EventLoopBound<ServerWorker>] = []
        var threads: [EventLoopThread] = []
        var listeners: [ListenerInfo] = []
    }

    private let context: ServerContext
    private let state = Mutex(State())
    /// Held while joining, so that every caller of `waitUntilStopped` returns only once the
    /// threads have ended.
    private let joinLock = Mutex<Void>(())

    /// The handler comes at `start(handler:)`, so listeners can be bound (and a bad port
    /// reported) before the parts the handler needs exist.
    public init(configuration: HTTPServerConfiguration) {
        context = ServerContext(configuration: configuration)
    }

    /// The listeners opened so far, as bound.
    public var listeners: [ListenerInfo] { state.withLock { $0.listeners } }

    /// Opens a listener on `host` (an IPv4 or IPv6 literal) and `port` (0: any free port).
    /// Works before or after `start()`; connections use `transport`'s transports when given
    /// (TLS), plain TCP otherwise.
    @discardableResult
    public func listen(host: String, port: Int, transport: (any TransportFactory)? = nil) throws(HTTPServerError)
        -> ListenerInfo
    {
        try state.withLock { (state: inout State) throws(HTTPServerError) -> ListenerInfo in
            guard state.phase == .idle || state.phase == .running else { throw .stopped }
            try createWorkersIfNeeded(&state)
            let count = state.workers.count
            // One socket per worker with SO_REUSEPORT: the kernel balances new connections
            // across loops by hash, with no acceptor thread and no cross-thread hand-off.
            var sockets: [Int32] = []
            var boundPort = port
            do throws(HTTPServerError) {
                for _ in 0..<count {
                    let opened = try ServerListenSocket.open(host: host, port: boundPort, reusePort: count > 1)
                    sockets.append(opened.fd)
                    boundPort = opened.port
                }
            } catch {
                for fd in sockets { close(fd) }
                throw error
            }
            for (worker, fd) in zip(state.workers, sockets) {
                let listenPort = boundPort
                worker.execute { $0.addListener(fd: fd, port: listenPort, factory: transport) }
            }
            let info = ListenerInfo(host: host, port: boundPort, isSecure: transport != nil)
            state.listeners.append(info)
            return info
        }
    }

    /// Starts the worker threads, which serve every request with `handler` from here on.
    /// SIGPIPE is ignored process-wide from here on, since a peer that resets mid-write must
    /// cost a connection, not the process.
    public func start(handler: any HTTPHandler) throws(HTTPServerError) {
        try state.withLock { (state: inout State) throws(HTTPServerError) in
            guard state.phase == .idle else { throw .alreadyStarted }
            try createWorkersIfNeeded(&state)
            signal(SIGPIPE, SIG_IGN)
            for worker in state.workers {
                worker.execute { $0.start(handler: handler) }
                let loop = worker.loop
                state.threads.append(
                    try EventLoopThread {
                        // Holding the worker here keeps it alive as long as its loop runs.
                        withExtendedLifetime(worker) { loop.run() }
                    })
            }
            state.phase = .running
        }
    }

    /// Stops accepting, closes idle connections, lets requests in flight finish, and ends
    /// the worker threads after at most `gracePeriod`. Returns at once; see
    /// `waitUntilStopped()`.
    public func shutdown(gracePeriod: Duration = .seconds(5)) {
        let (workers, neverStarted) = state.withLock { (state: inout State) -> ([EventLoopBound<ServerWorker>], Bool) in
            switch state.phase {
            case .running:
                state.phase = .stopping
                return (state.workers, false)
            case .idle:
                state.phase = .stopped
                return (state.workers, true)
            case .stopping, .stopped:
                return ([], false)
            }
        }
        for worker in workers {
            worker.execute { $0.beginDrain(grace: gracePeriod) }
            // A loop that never ran still holds queued listening sockets: one run on this
            // thread registers them, and the drain closes them and stops the loop again.
            if neverStarted { worker.loop.run() }
        }
    }

    /// Blocks until every worker thread has ended (returns at once if never started).
    public func waitUntilStopped() {
        joinLock.withLock { _ in
            let threads = state.withLock { state in
                let taken = state.threads
                state.threads.removeAll()
                return taken
            }
            for thread in threads { thread.join() }
            state.withLock { state in
                if state.phase == .stopping { state.phase = .stopped }
            }
        }
    }

    /// Response bytes encoded and not yet written, across all workers: the memory that
    /// clients slow to read are holding. Asks each loop in turn and waits for its answer, so
    /// only while the server runs.
    func pendingOutputByteCount() -> Int {
        let workers = state.withLock { $0.workers }
        let total = Mutex(0)
        for worker in workers {
            let answered = DispatchSemaphore(value: 0)
            worker.execute { worker in
                let count = worker.pendingOutputByteCount
                total.withLock { $0 += count }
                answered.signal()
            }
            answered.wait()
        }
        return total.withLock { $0 }
    }

    private func createWorkersIfNeeded(_ state: inout State) throws(HTTPServerError) {
        guard state.workers.isEmpty else { return }
        for _ in 0..<max(1, context.configuration.workers) {
            let loop: EventLoop
            do {
                loop = try EventLoop()
            } catch {
                throw .eventLoopFailed(error)
            }
            state.workers.append(EventLoopBound(ServerWorker(loop: loop, context: context), loop: loop))
        }
    }
}
