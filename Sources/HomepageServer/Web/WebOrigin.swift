import Glibc
import HTTPCore

/// A web origin (RFC 6454): scheme, host and port, as a browser names the page a request comes
/// from in `Origin`, or as the start of a `Referer` URL. Only `http` and `https` origins exist
/// here: anything else (`null`, `file://`, a malformed value) is no origin at all, and is never
/// one the box trusts.
///
/// Two origins are equal when they name the same scheme, the same host and the same port:
/// the default port is filled in (`http://box` is `http://box:80`), a name is compared without
/// case and without one trailing dot, an address by its binary form (`[::1]` is
/// `[0:0:0:0:0:0:0:1]`).
struct WebOrigin: Sendable, Hashable, CustomStringConvertible {
    enum Scheme: String, Sendable, Hashable {
        case http
        case https

        var defaultPort: Int { self == .http ? 80 : 443 }
    }

    enum Host: Sendable, Hashable {
        /// The 4 or 16 bytes of an IP address.
        case address([UInt8])
        /// A registered name, lowercased, without a trailing dot.
        case name(String)
    }

    let scheme: Scheme
    let host: Host
    let port: Int

    init(scheme: Scheme, host: Host, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
    }

    /// The origin of a request for `authority` over `scheme`: what a page the box served under
    /// that address has as its origin.
    init(scheme: Scheme, authority: HostAndPort) {
        self.init(scheme: scheme, host: Self.host(of: authority), port: authority.port)
    }

    /// Parses an `Origin` field value: exactly `scheme://host[:port]`, nothing after it.
    /// Nil for `null`, other schemes, and anything malformed.
    init?(serialized text: some StringProtocol) {
        guard let (scheme, rest) = Self.splitScheme(Substring(text)), let authority = HostAndPort(rest) else {
            return nil
        }
        self.init(scheme: scheme, authority: authority)
    }

    /// The origin of an absolute `http(s)` URL (a `Referer` value, a configured server
    /// address): its scheme and authority, whatever path follows. Nil when the URL has
    /// userinfo, another scheme, or a malformed authority.
    init?(url text: some StringProtocol) {
        guard let (scheme, rest) = Self.splitScheme(Substring(text)) else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let parsed = HostAndPort(authority) else { return nil }
        self.init(scheme: scheme, authority: parsed)
    }

    /// The ASCII serialization (RFC 6454 §6.2): the default port left out, IPv6 in brackets.
    var description: String {
        let hostText: String
        switch host {
        case .address(let bytes): hostText = Self.presentation(bytes) ?? "?"
        case .name(let name): hostText = name
        }
        return "\(scheme.rawValue)://"
            + HostAndPort.authority(host: hostText, port: port, omittingPort: scheme.defaultPort)
    }

    // MARK: - Parsing

    private static func splitScheme(_ text: Substring) -> (Scheme, Substring)? {
        let text = text.trimmingASCIIWhitespace()
        for scheme in [Scheme.http, .https] {
            let prefix = scheme.rawValue + "://"
            guard text.utf8.count > prefix.utf8.count,
                text.prefix(prefix.count).equalsIgnoringASCIICase(prefix)
            else { continue }
            return (scheme, text.dropFirst(prefix.count))
        }
        return nil
    }

    /// The comparable form of a parsed host.
    static func host(of authority: HostAndPort) -> Host {
        switch authority.kind {
        case .ipv4, .ipv6:
            if let bytes = binaryAddress(authority.host) { return .address(bytes) }
            return .name(authority.normalizedHost)
        case .registeredName:
            return .name(authority.normalizedHost)
        }
    }

    /// The comparable form of a host written as text: an address (IPv6 without brackets, an
    /// optional zone ignored) or a name.
    static func host(text: some StringProtocol) -> Host {
        if let bytes = binaryAddress(text) { return .address(bytes) }
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return .name(name)
    }

    static func binaryAddress(_ text: some StringProtocol) -> [UInt8]? {
        var text = String(text)
        // A zone (`fe80::1%eth0`) does not change which address it is.
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    private static func presentation(_ bytes: [UInt8]) -> String? {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
