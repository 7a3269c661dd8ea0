import Glibc

/// The server's limits, each named, documented and with a safe default, after Go's
/// `net/http.Server` timeouts and nginx's per-client limits. A limit that is hit closes that
/// connection only.
public struct HTTPServerConfiguration: Sendable {
    /// Sizes a client controls in a request (request line, headers, body); each has a status.
    public var parserLimits = HTTPParserLimits()

    /// The whole request head must arrive within this time from its first byte (slowloris
    /// defence, Go's `ReadHeaderTimeout`). Past it: 408, then close.
    public var headerTimeout: Duration = .seconds(10)

    /// The whole body must arrive within this time from the end of the head. Past it: 408,
    /// then close.
    public var bodyTimeout: Duration = .seconds(30)

    /// The window over which a pending answer's progress is measured: in each, at least
    /// `minimumSendRate` × this many bytes (and at least one) must leave, else the connection
    /// is closed. The window does not restart on every partial write (as nginx's
    /// `send_timeout` does), so a reader taking a byte now and then cannot hold its answer,
    /// its file and its slot for ever.
    public var writeTimeout: Duration = .seconds(30)

    /// The slowest reader served, in bytes per second, averaged over each `writeTimeout`
    /// window. A live download on the slowest LAN or Wi-Fi link is far above it.
    public var minimumSendRate: Int = 1024

    /// Bytes of answers one connection may hold: bodies queued behind the one being sent,
    /// encoded bytes not yet written and what remains of a file being streamed. Parsing
    /// pauses past it, so a client that pipelines requests for big answers and never reads
    /// holds about one answer's memory (a file body is read in chunks, never whole), not a
    /// pipeline of them.
    public var maxBufferedAnswerBytes: Int = 512 * 1024

    /// A keep-alive connection with no request under way is closed silently after this long.
    /// A new connection that has not sent its first request is not idle: `headerTimeout`
    /// runs from the accept, so a silent connection holds its slot only that long.
    public var idleTimeout: Duration = .seconds(60)

    /// A TLS handshake must finish within this time from the accept. Past it: close.
    public var handshakeTimeout: Duration = .seconds(10)

    /// After its last answer, a connection whose client may still be sending (a refused body,
    /// requests pipelined after `Connection: close`) shuts its sending side and reads and drops
    /// what arrives: closing with unread bytes would send a reset, which can destroy the answer
    /// before the client reads it. It closes when the client does, when nothing has arrived
    /// for this long (nginx's `lingering_timeout`), ...
    public var lingeringTimeout: Duration = .seconds(5)

    /// ... or at the latest this long after the answer (nginx's `lingering_time`).
    public var lingeringTime: Duration = .seconds(30)

    /// Most open connections across all listeners and workers. A connection accepted beyond
    /// it is closed at once, so the box keeps serving the ones it has.
    public var maxConnections: Int = 1024

    /// Most open connections from one client address (IPv4-mapped IPv6 counted as IPv4). A
    /// connection beyond it is closed at once, so one host cannot take every slot of
    /// `maxConnections` from the others. A browser opens about six per host. A connection
    /// lingering after its last answer (see `lingeringTimeout`) no longer counts.
    public var maxConnectionsPerClient: Int = 64

    /// Requests served on one connection before it is closed (after answering the last one
    /// with `Connection: close`), as nginx's `keepalive_requests`.
    public var maxRequestsPerConnection: Int = 1000

    /// Requests parsed but not yet answered on one connection (pipelining depth). Reading
    /// pauses while it is reached, so a client cannot queue unbounded work.
    public var maxPipelinedRequests: Int = 16

    /// Event-loop threads; each owns its connections for their whole life.
    public var workers: Int = HTTPServerConfiguration.processorCount

    /// The `Server` header value.
    public var serverName: String = HTTPCore.serverName

    public init() {}

    /// The number of processors online, at least 1.
    public static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
