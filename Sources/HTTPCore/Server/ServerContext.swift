import Synchronization

/// What every worker of one server shares: configuration and the connection count.
/// Immutable apart from the atomic counter, so it crosses threads freely.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let serverNameBytes: [UInt8]
    let openConnections = Atomic<Int>(0)

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
    }
}
