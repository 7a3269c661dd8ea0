import Dispatch
import Glibc
import Synchronization

/// Turns a host name into IP address literals. Replaceable so tests can stand in a slow or
/// failing resolver; the client bounds every call with its `dnsTimeout` either way.
public struct HTTPClientResolver: Sendable {
    public var resolve: @Sendable (_ host: String) throws(HTTPClientError) -> [String]

    public init(resolve: @escaping @Sendable (_ host: String) throws(HTTPClientError) -> [String]) {
        self.resolve = resolve
    }

    /// The C library's resolver (`getaddrinfo`: /etc/hosts, DNS, as the system is set up).
    /// Names under the special-use `.invalid` domain fail at once without a query, as RFC 6761
    /// §6.4 asks of resolver APIs: they can never resolve, so asking a DNS server is waste.
    public static let system = HTTPClientResolver { host throws(HTTPClientError) in
        if isReservedInvalidName(host) {
            throw .dnsFailed(host: host, detail: "Name or service not known (a reserved .invalid name)")
        }
        switch NameResolution.system(host) {
        case .addresses(let addresses): return addresses
        case .notFound(let detail), .failed(let detail): throw .dnsFailed(host: host, detail: detail)
        }
    }

    static func isReservedInvalidName(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name == "invalid" || name.hasSuffix(".invalid")
    }

    /// Runs the lookup on its own thread and gives up at `deadline`. getaddrinfo cannot be
    /// cancelled, so a late lookup finishes in the background and its answer is dropped.
    func resolve(_ host: String, timeout: Duration) throws(HTTPClientError) -> [String] {
        let outcome = Mutex<Result<[String], HTTPClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let lookup = resolve
        DispatchQueue.global().async {
            let result: Result<[String], HTTPClientError>
            do throws(HTTPClientError) {
                result = .success(try lookup(host))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        let components = timeout.components
        let nanoseconds = max(0, components.seconds) * 1_000_000_000 + max(0, components.attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else {
            throw .dnsTimedOut(host: host)
        }
        switch outcome.withLock({ $0 }) {
        case .success(let addresses)?: return addresses
        case .failure(let error)?: throw error
        case nil: throw .dnsTimedOut(host: host)
        }
    }
}

/// What one `getaddrinfo` lookup gave: addresses, or why there are none. The one wrapper of
/// the system resolver: the client's `HTTPClientResolver.system` and the box's DNS check both
/// use it.
public enum NameResolution: Sendable, Equatable {
    /// IPv4 and IPv6 literals, in the resolver's order, without repeats.
    case addresses([String])
    /// The name does not exist or has no address (`EAI_NONAME`, `EAI_NODATA`).
    case notFound(String)
    /// Any other failure: no DNS server answering, a resolver error.
    case failed(String)

    /// `getaddrinfo` as the system is set up (/etc/hosts, then DNS per /etc/resolv.conf). It
    /// blocks for as long as the resolver takes: callers bound it on a thread of their own.
    public static func system(_ name: String) -> NameResolution {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let list else {
            let detail = String(cString: gai_strerror(status))
            // EAI_NODATA (-5) is glibc's "no address associated with hostname".
            return status == EAI_NONAME || status == -5 ? .notFound(detail) : .failed(detail)
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let text = ipText(current.pointee.ai_addr), !addresses.contains(text) { addresses.append(text) }
            entry = current.pointee.ai_next
        }
        return addresses.isEmpty ? .notFound("no address") : .addresses(addresses)
    }
}

/// The text form of an IPv4 or IPv6 socket address.
private func ipText(_ address: UnsafeMutablePointer<sockaddr>?) -> String? {
    guard let address else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
            var raw = ipv4.pointee.sin_addr
            guard inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    case AF_INET6:
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
            var raw = ipv6.pointee.sin6_addr
            guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    default:
        return nil
    }
}
