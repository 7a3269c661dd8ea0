import Synchronization

/// What every worker of one server shares: configuration and the connection counts.
/// Immutable apart from the counters, so it crosses threads freely.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let serverNameBytes: [UInt8]
    let openConnections = Atomic<Int>(0)
    /// Open connections per client address; an address leaves the table with its last one.
    private let connectionsPerClient = Mutex<[String: Int]>([:])

    // Timeouts in milliseconds, converted once instead of on every deadline update.
    let headerTimeoutMs: UInt64
    let bodyTimeoutMs: UInt64
    let writeTimeoutMs: UInt64
    let idleTimeoutMs: UInt64
    let handshakeTimeoutMs: UInt64
    let lingeringTimeoutMs: UInt64
    let lingeringTimeMs: UInt64

    init(configuration: HTTPServerConfiguration) {
        self.configuration = configuration
        serverNameBytes = Array(configuration.serverName.utf8)
        headerTimeoutMs = configuration.headerTimeout.eventLoopMilliseconds
        bodyTimeoutMs = configuration.bodyTimeout.eventLoopMilliseconds
        writeTimeoutMs = configuration.writeTimeout.eventLoopMilliseconds
        idleTimeoutMs = configuration.idleTimeout.eventLoopMilliseconds
        handshakeTimeoutMs = configuration.handshakeTimeout.eventLoopMilliseconds
        lingeringTimeoutMs = configuration.lingeringTimeout.eventLoopMilliseconds
        lingeringTimeMs = configuration.lingeringTime.eventLoopMilliseconds
        minimumBytesPerWriteWindow = max(
            1, configuration.minimumSendRate * Int(configuration.writeTimeout.eventLoopMilliseconds) / 1000)
    }

    /// What a pending answer must move in each `writeTimeout` window.
    let minimumBytesPerWriteWindow: Int

    /// Counts a new connection from `client`; false (and nothing counted) when the client
    /// already holds `maxConnectionsPerClient`.
    func admitConnection(from client: String) -> Bool {
        let limit = configuration.maxConnectionsPerClient
        return connectionsPerClient.withLock { table in
            let open = table[client, default: 0]
            guard open < limit else { return false }
            table[client] = open + 1
            return true
        }
    }

    func releaseConnection(from client: String) {
        connectionsPerClient.withLock { table in
            guard let open = table[client] else { return }
            if open <= 1 {
                table.removeValue(forKey: client)
            } else {
                table[client] = open - 1
            }
        }
    }
}
