import Glibc

/// Decides whether a request's `Host` names this box. Refusing every other name is what stops
/// a DNS-rebinding page: the attacker's name resolves to the box, but the browser still sends
/// the attacker's name as Host.
///
/// Accepted: one of the box's IP addresses (IPv6 in brackets), `localhost`, its host name, or
/// any name under its certificate's domain; each with or without a port, case-insensitive,
/// with one trailing dot allowed.
struct HostPolicy: Sendable, Equatable {
    /// Binary forms of the box's addresses, so `::1` and `0:0:0:0:0:0:0:1` compare equal.
    private let addresses: Set<[UInt8]>
    private let hostName: String?
    /// The certificate subject without `*.`, lowercased, e.g. `abcd1234.odoo-iot.com`.
    private let certificateDomain: String?

    init(addresses: [String], hostName: String?, certificateSubject: String?) {
        self.addresses = Set(addresses.compactMap(Self.binaryAddress))
        self.hostName = hostName.map { Self.normalisedName($0) }.flatMap { $0.isEmpty ? nil : $0 }
        if var subject = certificateSubject.map({ Self.normalisedName($0) }) {
            if subject.hasPrefix("*.") { subject.removeFirst(2) }
            certificateDomain = subject.isEmpty ? nil : subject
        } else {
            certificateDomain = nil
        }
    }

    func allows(hostHeader: String?) -> Bool {
        guard let hostHeader, let host = Self.hostPart(of: hostHeader) else { return false }
        if let address = Self.binaryAddress(host) { return addresses.contains(address) }
        let name = Self.normalisedName(host)
        guard !name.isEmpty else { return false }
        if name == "localhost" || name == hostName { return true }
        if let domain = certificateDomain, name == domain || name.hasSuffix("." + domain) { return true }
        return false
    }

    /// The host without port and brackets, or nil when the header is not `host[:port]`.
    /// Runs on every request, so it scans bytes: no Unicode property lookups, no copies.
    private static func hostPart(of header: String) -> Substring? {
        let value = header.trimmingASCIIWhitespace()
        let bytes = value.utf8
        guard let first = bytes.first else { return nil }
        var hostRange: Range<String.Index>
        var portStart: String.Index?
        if first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostRange = bytes.index(after: bytes.startIndex)..<close
            let after = bytes.index(after: close)
            if after != bytes.endIndex {
                guard bytes[after] == UInt8(ascii: ":") else { return nil }
                portStart = bytes.index(after: after)
            }
            guard value[hostRange].utf8.contains(UInt8(ascii: ":")) else { return nil }
        } else {
            let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
            hostRange = bytes.startIndex..<(colon ?? bytes.endIndex)
            if let colon { portStart = bytes.index(after: colon) }
        }
        if let portStart {
            let port = value[portStart...].utf8
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        }
        let host = value[hostRange]
        // Visible ASCII only, and none of the characters that would make it a URL or userinfo.
        guard !host.isEmpty,
            host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") })
        else { return nil }
        return host
    }

    private static func normalisedName<S: StringProtocol>(_ name: S) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }

    private static func binaryAddress<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var text = String(text)
        // A zone (`fe80::1%eth0`) does not change which address it is.
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: v6) { Array($0) }
        }
        return nil
    }
}
