/// The parts of an absolute http(s) URL the client needs. Deliberately small: no relative
/// references, no percent-decoding (the path is sent as written). The authority is parsed by
/// `HostAndPort`; userinfo is dropped.
struct HTTPClientURL: Equatable {
    var isHTTPS: Bool
    /// Without brackets for IPv6.
    var host: String
    var port: Int
    /// Path and query, as sent in the request line.
    var target: String

    init(_ text: String) throws(HTTPClientError) {
        // The target goes into the request line as written: a space would split it and CR LF
        // would start headers of the URL's own.
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .invalidURL(text)
        }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            isHTTPS = true
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            isHTTPS = false
            rest = text.dropFirst(7)
        } else {
            throw .invalidURL(text)
        }
        let withoutFragment = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let authorityEnd = withoutFragment.firstIndex { $0 == "/" || $0 == "?" } ?? withoutFragment.endIndex
        var authority = withoutFragment[..<authorityEnd]
        let pathAndQuery = withoutFragment[authorityEnd...]
        target = pathAndQuery.isEmpty ? "/" : (pathAndQuery.hasPrefix("?") ? "/" + pathAndQuery : String(pathAndQuery))
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard let parsed = HostAndPort(authority) else { throw .invalidURL(text) }
        host = String(parsed.host)
        if let number = parsed.port {
            guard number > 0 else { throw .invalidURL(text) }
            port = number
        } else {
            port = isHTTPS ? 443 : 80
        }
    }

    /// The `Host` header value: the port only when it is not the scheme's default.
    var hostHeader: String {
        HostAndPort.authority(host: host, port: port, omittingPort: isHTTPS ? 443 : 80)
    }

    /// `host:port` as CONNECT wants it.
    var authorityWithPort: String {
        HostAndPort.authority(host: host, port: port)
    }
}
