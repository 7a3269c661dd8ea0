import Glibc

/// A small blocking HTTP/1.1 client with verified TLS, for worker threads only (never an
/// event loop). One request per connection (`Connection: close`), every phase bounded in time.
public struct HTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// Extra trusted CA certificates (PEM), beside the system store.
        public var extraCAFile: String?
        public var dnsTimeout: Duration = .seconds(5)
        /// For each address tried.
        public var connectTimeout: Duration = .seconds(5)
        /// For the whole exchange, from lookup to the last body byte.
        public var totalTimeout: Duration = .seconds(30)
        /// Largest response body accepted.
        public var maxResponseSize: Int = 1024 * 1024
        public var userAgent: String = HTTPCore.serverName
        public var proxy: ProxySettings
        public var resolver: HTTPClientResolver = .system

        /// Proxy settings default to the process environment, which is where a box's
        /// administrator puts them.
        public init(extraCAFile: String? = nil, proxy: ProxySettings = .fromEnvironment()) {
            self.extraCAFile = extraCAFile
            self.proxy = proxy
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        Self.ignoreBrokenPipe()
        let url = try HTTPClientURL(request.url)
        let deadline = ContinuousClock.now + configuration.totalTimeout
        let proxy = configuration.proxy.proxy(isHTTPS: url.isHTTPS, host: url.host, port: url.port)

        let socket: HTTPClientSocket
        if let proxy {
            socket = try connectToProxy(proxy, deadline: deadline)
        } else {
            socket = try connect(host: url.host, port: url.port, deadline: deadline)
        }
        let stream: any HTTPClientByteStream
        if url.isHTTPS {
            if let proxy { try openTunnel(through: socket, proxy: proxy, to: url, deadline: deadline) }
            stream = try HTTPClientTLSStream(
                socket: socket, host: url.host, extraCAFile: configuration.extraCAFile, deadline: deadline)
        } else {
            stream = socket
        }

        // A plain-http request through a proxy names the whole URL in its request line.
        let target = (proxy != nil && !url.isHTTPS) ? "http://\(url.hostHeader)\(url.target)" : url.target
        // From the first byte written on, the server may have the request: failures say so.
        do throws(HTTPClientError) {
            try stream.write(
                head(for: request, url: url, target: target, proxy: proxy) + request.body, deadline: deadline)
            return try readResponse(from: stream, requestMethod: request.method, deadline: deadline)
        } catch {
            throw error.afterSending
        }
    }

    private func readResponse(
        from stream: any HTTPClientByteStream, requestMethod: String, deadline: ContinuousClock.Instant
    ) throws(HTTPClientError) -> HTTPClientResponse {
        let reader = HTTPClientResponseReader(
            stream: stream, deadline: deadline, maxBodySize: configuration.maxResponseSize)
        var head = try reader.readHead()
        // Interim answers (100 Continue, 103 Early Hints) precede the real one.
        while (100..<200).contains(head.status) && head.status != 101 {
            head = try reader.readHead()
        }
        let body = try reader.readBody(requestMethod: requestMethod, status: head.status, headers: head.headers)
        return HTTPClientResponse(status: head.status, headers: head.headers, body: body)
    }

    private func head(
        for request: HTTPClientRequest, url: HTTPClientURL, target: String, proxy: ProxySettings.Endpoint?
    ) -> [UInt8] {
        var headers = request.headers
        if !headers.contains("Host") { headers.set("Host", url.hostHeader) }
        if !headers.contains("User-Agent") { headers.set("User-Agent", configuration.userAgent) }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            headers.set("Content-Length", String(request.body.count))
        }
        headers.set("Connection", "close")
        if let authorization = proxy?.authorization, !url.isHTTPS {
            headers.set("Proxy-Authorization", authorization)
        }
        var text = "\(request.method) \(target) HTTP/1.1\r\n"
        for field in headers { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    private func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws(HTTPClientError)
        -> HTTPClientSocket
    {
        let addresses: [String]
        if Self.isIPLiteral(host) {
            addresses = [host]
        } else {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw .timedOut }
            addresses = try configuration.resolver.resolve(host, timeout: min(configuration.dnsTimeout, remaining))
        }
        return try HTTPClientSocket.connect(
            host: host, addresses: addresses, port: port, connectTimeout: configuration.connectTimeout,
            deadline: deadline)
    }

    private func connectToProxy(_ proxy: ProxySettings.Endpoint, deadline: ContinuousClock.Instant)
        throws(HTTPClientError) -> HTTPClientSocket
    {
        do throws(HTTPClientError) {
            return try connect(host: proxy.host, port: proxy.port, deadline: deadline)
        } catch .timedOut {
            throw .timedOut
        } catch {
            throw .proxyFailed(detail: "cannot reach the proxy \(proxy.host):\(proxy.port): \(error.description)")
        }
    }

    /// Asks the proxy for a raw tunnel to the origin (RFC 9110 §9.3.6); TLS then runs inside it,
    /// so the proxy sees neither the request nor the certificate check.
    private func openTunnel(
        through socket: HTTPClientSocket, proxy: ProxySettings.Endpoint, to url: HTTPClientURL,
        deadline: ContinuousClock.Instant
    ) throws(HTTPClientError) {
        var text = "CONNECT \(url.authorityWithPort) HTTP/1.1\r\nHost: \(url.authorityWithPort)\r\n"
        if let authorization = proxy.authorization { text += "Proxy-Authorization: \(authorization)\r\n" }
        text += "\r\n"
        try socket.write(Array(text.utf8), deadline: deadline)
        let reader = HTTPClientResponseReader(stream: socket, deadline: deadline, maxBodySize: 0)
        let head: (status: Int, headers: HTTPHeaders)
        do throws(HTTPClientError) {
            head = try reader.readHead()
        } catch .timedOut {
            throw .timedOut
        } catch {
            throw .proxyFailed(detail: error.description)
        }
        guard (200..<300).contains(head.status) else { throw .proxyRefused(status: head.status) }
        guard !reader.hasUnconsumedBytes else {
            throw .proxyFailed(detail: "the proxy sent data before the TLS handshake")
        }
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var ipv6 = in6_addr()
        var ipv4 = in_addr()
        return inet_pton(AF_INET, host, &ipv4) == 1 || inet_pton(AF_INET6, host, &ipv6) == 1
    }

    /// OpenSSL writes to the socket with write(2), which raises SIGPIPE when the server has
    /// already closed; that signal would end the whole process. The server ignores it too.
    private static func ignoreBrokenPipe() {
        _ = brokenPipeIgnored
    }

    private static let brokenPipeIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()
}
