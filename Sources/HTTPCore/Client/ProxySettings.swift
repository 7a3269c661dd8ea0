import FoundationEssentials

/// Which HTTP proxy, if any, carries a request, following the common environment variables:
/// `HTTPS_PROXY`/`https_proxy` for https URLs, `HTTP_PROXY`/`http_proxy` for http URLs, and
/// `NO_PROXY`/`no_proxy` for the exceptions. As in Go and curl, an https URL never falls back
/// to `HTTP_PROXY`.
public struct ProxySettings: Sendable, Equatable {
    /// A proxy's address, and its Basic credentials when the proxy URL carried `user:password@`.
    public struct Endpoint: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// The ready `Proxy-Authorization` value, or nil.
        public var authorization: String?

        public init(host: String, port: Int, authorization: String? = nil) {
            self.host = host
            self.port = port
            self.authorization = authorization
        }
    }

    public var httpProxy: Endpoint?
    public var httpsProxy: Endpoint?
    /// `NO_PROXY` entries: `*`, domain names (matching themselves and their subdomains, with
    /// or without a leading dot), IP addresses, IPv4 CIDR blocks, each optionally with `:port`.
    public var noProxy: [String]
    /// Loopback destinations (localhost, 127.0.0.0/8, ::1) skip the proxy, as Go does: a proxy
    /// cannot reach the box's own loopback anyway.
    public var bypassesLoopback: Bool

    public init(
        httpProxy: Endpoint? = nil, httpsProxy: Endpoint? = nil, noProxy: [String] = [], bypassesLoopback: Bool = true
    ) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
        self.bypassesLoopback = bypassesLoopback
    }

    /// No proxy at all.
    public static let direct = ProxySettings()

    /// Reads the proxy variables; upper case wins when both spellings are set. An unusable
    /// proxy URL is ignored rather than failing every request.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ProxySettings
    {
        func value(_ name: String) -> String? {
            let found = environment[name.uppercased()] ?? environment[name.lowercased()]
            return found?.isEmpty == false ? found : nil
        }
        let noProxy = (value("no_proxy") ?? "").split(separator: ",").map {
            String(String($0).trimmingASCIIWhitespace())
        }.filter { !$0.isEmpty }
        return ProxySettings(
            httpProxy: value("http_proxy").flatMap(parseEndpoint),
            httpsProxy: value("https_proxy").flatMap(parseEndpoint), noProxy: noProxy)
    }

    /// Reads `http://[user:password@]host[:port]` (scheme optional, port 80 by default).
    /// Proxies reached over TLS are not supported and give nil.
    public static func parseEndpoint(_ text: String) -> Endpoint? {
        var rest = text.trimmingASCIIWhitespace()
        if rest.lowercased().hasPrefix("https://") { return nil }
        if rest.lowercased().hasPrefix("http://") { rest = rest.dropFirst(7) }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var authorization: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = percentDecoded(rest[..<at]) ?? String(rest[..<at])
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
            rest = rest[rest.index(after: at)...]
        }
        guard let url = try? HTTPClientURL("http://" + rest), !url.host.isEmpty else { return nil }
        return Endpoint(host: url.host, port: url.port, authorization: authorization)
    }

    /// The proxy for a request to `host:port` over `https` or plain http, or nil to go direct.
    public func proxy(isHTTPS: Bool, host: String, port: Int) -> Endpoint? {
        guard let endpoint = isHTTPS ? httpsProxy : httpProxy else { return nil }
        let name = Self.trimming(host.lowercased(), of: "[].")
        if bypassesLoopback && Self.isLoopback(name) { return nil }
        for entry in noProxy where Self.entry(entry, matches: name, port: port) { return nil }
        return endpoint
    }

    /// `text` without the characters of `set` at either end.
    private static func trimming(_ text: String, of set: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }

    /// `%XX` sequences decoded; nil when one is malformed or the result is not UTF-8.
    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    private static func entry(_ rawEntry: String, matches host: String, port: Int) -> Bool {
        var entry = rawEntry.lowercased()
        if entry == "*" { return true }
        // An optional ":port" restricts the entry to that port (not for bare IPv6 addresses).
        if entry.filter({ $0 == ":" }).count == 1 || entry.hasPrefix("["),
            let colon = entry.lastIndex(of: ":"), let entryPort = Int(entry[entry.index(after: colon)...])
        {
            guard entryPort == port else { return false }
            entry = String(entry[..<colon])
        }
        entry = Self.trimming(entry, of: "[]")
        if entry.contains("/") { return cidr(entry, contains: host) }
        if entry.hasPrefix("*.") { entry.removeFirst(2) } else if entry.hasPrefix(".") { entry.removeFirst() }
        return host == entry || host.hasSuffix("." + entry)
    }

    private static func cidr(_ block: String, contains host: String) -> Bool {
        let parts = block.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits),
            let network = ipv4(String(parts[0])), let address = ipv4(host)
        else { return false }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
        return network & mask == address & mask
    }

    private static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4, text.split(separator: ".", omittingEmptySubsequences: false).count == 4 else {
            return nil
        }
        return octets.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
