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
    private static func hostPart(of header: String) -> Substring? {
        let value = header.trimmingASCIIWhitespace()
        var host: Substring
        var port: Substring?
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            host = value[value.index(after: value.startIndex)..<close]
            let after = value[value.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = after.dropFirst()
            }
            guard host.contains(":") else { return nil }
        } else {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            host = parts[0]
            port = parts.count == 2 ? parts[1] : nil
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != "@" }) else {
            return nil
        }
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
