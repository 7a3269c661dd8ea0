import Glibc
import HTTPCore

/// Decides whether a request's authority names this box. Refusing every other name is what
/// stops a DNS-rebinding page: the attacker's name resolves to the box, but the browser still
/// sends the attacker's name as Host.
///
/// Accepted: one of the box's IP addresses, `localhost`, its host name, or any name under its
/// certificate's domain; each with or without a port, case-insensitive, with one trailing dot
/// allowed. The authority is parsed once, by HTTPCore's `HostAndPort`.
///
/// A certificate domain of fewer than three labels opens no names: a subject such as `*.com`
/// or `*.odoo-iot.com` (from a careless or hostile CA) would otherwise accept every name under
/// a public suffix, or every other box's, and reopen DNS rebinding.
struct HostPolicy: Sendable, Equatable {
    /// An IPv4 or IPv6 address in binary, so `::1` and `0:0:0:0:0:0:0:1` compare equal. A value,
    /// not an array of bytes: the check runs on every request and allocates nothing.
    struct BinaryAddress: Hashable, Sendable {
        var family: Int32
        var high: UInt64
        var low: UInt64
    }

    private let addresses: Set<BinaryAddress>
    private let hostName: String?
    /// The certificate subject without `*.`, lowercased, e.g. `abcd1234.odoo-iot.com`; nil
    /// when it has fewer than `minimumDomainLabels` labels.
    private let certificateDomain: String?
    static let minimumDomainLabels = 3

    init(addresses: [String], hostName: String?, certificateSubject: String?) {
        self.addresses = Set(addresses.compactMap { Self.binaryAddress($0) })
        self.hostName = hostName.map { Self.normalisedName($0) }.flatMap { $0.isEmpty ? nil : $0 }
        if var subject = certificateSubject.map({ Self.normalisedName($0) }) {
            if subject.hasPrefix("*.") { subject.removeFirst(2) }
            let labels = subject.split(separator: ".", omittingEmptySubsequences: false)
            certificateDomain =
                labels.count >= Self.minimumDomainLabels && labels.allSatisfy { !$0.isEmpty } ? subject : nil
        } else {
            certificateDomain = nil
        }
    }

    /// Whether `authority` (the request's, nil when it named none) is one of the box's names.
    func allows(_ authority: HostAndPort?) -> Bool {
        guard let authority else { return false }
        switch authority.kind {
        case .ipv4, .ipv6:
            return Self.binaryAddress(authority.host).map { addresses.contains($0) } ?? false
        case .registeredName:
            if authority.hostMatches("localhost") { return true }
            if let hostName, authority.hostMatches(hostName) { return true }
            guard let domain = certificateDomain else { return false }
            let name = authority.normalizedHost
            return name == domain || name.hasSuffix("." + domain)
        }
    }

    /// The same check for a `Host` field's text.
    func allows(hostHeader: String?) -> Bool {
        allows(hostHeader.flatMap { HostAndPort($0) })
    }

    private static func normalisedName(_ name: some StringProtocol) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }

    private static func binaryAddress(_ text: some StringProtocol) -> BinaryAddress? {
        // `inet_pton` reads a C string: the text up to a zone (`fe80::1%eth0`: the zone does not
        // change which address it is), copied to the stack. 46 bytes hold the longest address.
        let capacity = 48
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer -> BinaryAddress? in
            var count = 0
            for byte in text.utf8 {
                if byte == UInt8(ascii: "%") { break }
                guard count < capacity - 1 else { return nil }
                buffer[count] = CChar(bitPattern: byte)
                count += 1
            }
            buffer[count] = 0
            let cString = buffer.baseAddress!
            var v4 = in_addr()
            if inet_pton(AF_INET, cString, &v4) == 1 {
                return BinaryAddress(family: AF_INET, high: 0, low: UInt64(v4.s_addr))
            }
            var v6 = in6_addr()
            if inet_pton(AF_INET6, cString, &v6) == 1 {
                let (high, low) = withUnsafeBytes(of: v6) {
                    (
                        $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                        $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    )
                }
                return BinaryAddress(family: AF_INET6, high: high, low: low)
            }
            return nil
        }
    }
}
