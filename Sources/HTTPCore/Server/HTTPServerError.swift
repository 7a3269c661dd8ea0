/// Why the server could not do what was asked.
public enum HTTPServerError: Error, Sendable, Equatable {
    /// The host is not an IPv4 or IPv6 literal (or `localhost`).
    case invalidAddress(String)
    /// The port is outside 0...65535.
    case invalidPort(Int)
    /// A socket call failed; `errno` says why (EADDRINUSE, EACCES, ...).
    case socketFailed(operation: String, errno: Int32)
    /// The event loops could not be created.
    case eventLoopFailed(EventLoopError)
    /// `start()` was called twice, or after `shutdown`.
    case alreadyStarted
    /// The server is shutting down or stopped.
    case stopped
}

/// One listening address, as actually bound.
public struct ListenerInfo: Sendable, Equatable {
    /// The address as given (an IP literal).
    public var host: String
    /// The bound port: the kernel's choice when 0 was asked.
    public var port: Int
    /// True when the listener's connections use a transport factory (TLS).
    public var isSecure: Bool

    public init(host: String, port: Int, isSecure: Bool) {
        self.host = host
        self.port = port
        self.isSecure = isSecure
    }

    /// `http://ADDR:PORT/` (or https), with an IPv6 address in brackets.
    public var url: String {
        "\(isSecure ? "https" : "http")://\(HostAndPort.authority(host: host, port: port))/"
    }
}
