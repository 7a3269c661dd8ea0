/// `host[:port]`, the authority of an http(s) URI and the value of a `Host` field (RFC 3986
/// §3.2.2–3.2.3 as RFC 9110 §4.2 and RFC 9112 §3.2 use it). The one parser of it in the
/// product: the request parser, the client's URLs and the application's host checks all use
/// this type.
///
/// Strict: the host is an IPv4 address in dotted-decimal without leading zeros, an IPv6
/// address in brackets (no zone, no IPvFuture), or a registered name of unreserved and
/// sub-delimiter characters and percent-escapes (RFC 3986's reg-name, never empty). No
/// userinfo, no whitespace. The port is at most five digits and at most 65535; an empty port
/// (`host:`) is allowed by the grammar and reads as no port.
///
/// Scans bytes once, without allocating: `host` is a slice of the text parsed.
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case ipv4
        /// Written in brackets; `host` is without them.
        case ipv6
        /// A DNS name or any other reg-name; may carry one trailing dot.
        case registeredName
    }

    public let kind: Kind
    /// The host as written, case kept, IPv6 without its brackets.
    public let host: Substring
    /// Nil when the text had no port (or an empty one).
    public let port: Int?

    /// Parses `text`; nil when it is not a valid `host[:port]`.
    public init?(_ text: String) {
        var text = text
        let scanned = text.withUTF8 { bytes in Self.scan(bytes, 0, bytes.count) }
        guard let scanned else { return nil }
        self.init(text, scanned)
    }

    /// Parses a substring (say, a URL's authority) without copying it.
    public init?(_ text: Substring) {
        var text = text
        let scanned = text.withUTF8 { bytes in Self.scan(bytes, 0, bytes.count) }
        guard let scanned else { return nil }
        self.init(Substring(text), scanned)
    }

    init(_ text: String, _ scanned: Scanned) {
        self.init(Substring(text), scanned)
    }

    init(_ text: Substring, _ scanned: Scanned) {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: scanned.hostStart)
        let end = utf8.index(start, offsetBy: scanned.hostEnd - scanned.hostStart)
        kind = scanned.kind
        host = Substring(utf8[start..<end])
        port = scanned.port
    }

    /// Whether the host equals `name` ignoring ASCII case, and ignoring one trailing dot on a
    /// registered name (`Box.Local.` matches `box.local`). `name` must not end in a dot.
    public func hostMatches(_ name: some StringProtocol) -> Bool {
        var hostBytes = host.utf8[...]
        if kind == .registeredName, hostBytes.last == UInt8(ascii: ".") { hostBytes = hostBytes.dropLast() }
        let nameBytes = name.utf8
        guard hostBytes.count == nameBytes.count else { return false }
        for (a, b) in zip(hostBytes, nameBytes) where Self.lowercased(a) != Self.lowercased(b) { return false }
        return true
    }

    /// The host lowercased without a registered name's trailing dot: the form to compare or
    /// look up.
    public var normalizedHost: String {
        var bytes = Array(host.utf8)
        if kind == .registeredName, bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        for index in bytes.indices { bytes[index] = Self.lowercased(bytes[index]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `host[:port]` again, IPv6 in brackets.
    public var description: String { Self.authority(host: host, port: port) }

    /// Formats an authority: an IPv6 host (any host with a colon) goes in brackets; the port
    /// is left out when nil or equal to `omittingPort`.
    public static func authority(host: some StringProtocol, port: Int?, omittingPort: Int? = nil) -> String {
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : String(host)
        guard let port, port != omittingPort else { return name }
        return "\(name):\(port)"
    }

    // MARK: - Scanning

    /// Offsets into the bytes scanned.
    struct Scanned {
        var kind: Kind
        var hostStart: Int
        var hostEnd: Int
        var port: Int?

        func shifted(by offset: Int) -> Scanned {
            Scanned(kind: kind, hostStart: hostStart + offset, hostEnd: hostEnd + offset, port: port)
        }
    }

    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Scans `bytes[start..<end]` as `host[:port]`; nil when invalid.
    static func scan(_ bytes: Bytes, _ start: Int, _ end: Int) -> Scanned? {
        guard start < end else { return nil }
        let kind: Kind
        let hostStart: Int
        let hostEnd: Int
        var portStart: Int?
        if bytes[start] == UInt8(ascii: "[") {
            var close = start + 1
            while close < end && bytes[close] != UInt8(ascii: "]") { close += 1 }
            guard close < end, isIPv6(bytes, start + 1, close) else { return nil }
            kind = .ipv6
            hostStart = start + 1
            hostEnd = close
            if close + 1 < end {
                guard bytes[close + 1] == UInt8(ascii: ":") else { return nil }
                portStart = close + 2
            }
        } else {
            var index = start
            var isIPv4Shaped = true
            while index < end {
                let byte = bytes[index]
                if byte == UInt8(ascii: ":") { break }
                if byte == UInt8(ascii: "%") {
                    guard index + 2 < end, HTTPByteClass.hexValue(bytes[index + 1]) != nil,
                        HTTPByteClass.hexValue(bytes[index + 2]) != nil
                    else { return nil }
                    isIPv4Shaped = false
                    index += 3
                    continue
                }
                guard isRegNameByte(byte) else { return nil }
                if !(byte == UInt8(ascii: ".") || (byte >= 0x30 && byte <= 0x39)) { isIPv4Shaped = false }
                index += 1
            }
            guard index > start else { return nil }
            kind = isIPv4Shaped && isIPv4(bytes, start, index) ? .ipv4 : .registeredName
            hostStart = start
            hostEnd = index
            if index < end { portStart = index + 1 }
        }
        var port: Int?
        if let portStart, portStart < end {
            guard end - portStart <= 5 else { return nil }
            var value = 0
            for index in portStart..<end {
                let byte = bytes[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            guard value <= 65535 else { return nil }
            port = value
        }
        return Scanned(kind: kind, hostStart: hostStart, hostEnd: hostEnd, port: port)
    }

    /// unreserved / sub-delims (RFC 3986 §2.2–2.3); `%` is handled by the caller.
    @inline(__always)
    private static func isRegNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            return true
        default: return false
        }
    }

    /// IPv4address: four dec-octets 0–255 without leading zeros, joined by dots.
    static func isIPv4(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bool {
        var index = start
        for octet in 0..<4 {
            if octet > 0 {
                guard index < end, bytes[index] == UInt8(ascii: ".") else { return false }
                index += 1
            }
            let digitsStart = index
            var value = 0
            while index < end, index - digitsStart < 3, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            let count = index - digitsStart
            guard count > 0, value <= 255, count == 1 || bytes[digitsStart] != 0x30 else { return false }
        }
        return index == end
    }

    /// IPv6address (RFC 3986 §3.2.2): eight groups of 1–4 hex digits, one `::` standing for
    /// one or more zero groups, the last two groups optionally written as an IPv4 address.
    static func isIPv6(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bool {
        guard end - start >= 2 else { return false }
        var index = start
        var groups = 0
        var elided = false
        if bytes[index] == UInt8(ascii: ":") {
            guard bytes[index + 1] == UInt8(ascii: ":") else { return false }
            elided = true
            index += 2
        }
        while index < end {
            let groupStart = index
            while index < end, index - groupStart < 5, HTTPByteClass.hexValue(bytes[index]) != nil { index += 1 }
            if index < end && bytes[index] == UInt8(ascii: ".") {
                guard groups <= 6, isIPv4(bytes, groupStart, end) else { return false }
                groups += 2
                index = end
                break
            }
            let digits = index - groupStart
            guard digits >= 1 && digits <= 4 else { return false }
            groups += 1
            if index == end { break }
            guard bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            guard index < end else { return false }
            if bytes[index] == UInt8(ascii: ":") {
                guard !elided else { return false }
                elided = true
                index += 1
            }
        }
        return elided ? groups <= 7 : groups == 8
    }

    @inline(__always)
    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
