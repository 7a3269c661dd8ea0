import Glibc

/// Socket set-up for listeners and the peer address of accepted sockets; nothing HTTP here.
enum ServerListenSocket {
    /// Opens a non-blocking listening socket. `reusePort` lets every worker loop bind its own
    /// socket to the same port, so the kernel spreads connections across loops.
    static func open(host: String, port: Int, reusePort: Bool) throws(HTTPServerError) -> (fd: Int32, port: Int) {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        let literal = host == "localhost" ? "127.0.0.1" : host
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, literal, &ipv4) == 1 {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin_addr = ipv4
            }
        } else if inet_pton(AF_INET6, literal, &ipv6) == 1 {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin6_addr = ipv6
            }
        } else {
            throw .invalidAddress(host)
        }

        let fd = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socketFailed(operation: "socket", errno: errno) }
        do throws(HTTPServerError) {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR")
            if reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT") }
            // A v6 socket serves v6 only, so `::` and `0.0.0.0` can be bound side by side.
            if family == AF_INET6 { try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, "IPV6_V6ONLY") }
            let bound = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0 else { throw HTTPServerError.socketFailed(operation: "bind", errno: errno) }
            guard Glibc.listen(fd, 511) == 0 else {
                throw HTTPServerError.socketFailed(operation: "listen", errno: errno)
            }
            return (fd, try localPort(of: fd))
        } catch {
            close(fd)
            throw error
        }
    }

    static func localPort(of fd: Int32) throws(HTTPServerError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw .socketFailed(operation: "getsockname", errno: errno) }
        return describe(storage).port
    }

    /// Options every accepted socket gets: no Nagle delay, since each response is written in
    /// one call and waiting for more would only add latency.
    static func configureAccepted(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The address as text (IPv6 without brackets, IPv4-mapped shown as IPv4) and the port.
    static func describe(_ storage: sockaddr_storage) -> (address: String, port: Int) {
        var copy = storage
        return withUnsafeBytes(of: &copy) { raw -> (String, Int) in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch Int32(storage.ss_family) {
            case AF_INET:
                var address = raw.load(as: sockaddr_in.self)
                inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
                return (decodeCString(text), Int(UInt16(bigEndian: address.sin_port)))
            case AF_INET6:
                var address = raw.load(as: sockaddr_in6.self)
                inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count))
                var result = decodeCString(text)
                if result.hasPrefix("::ffff:") && result.contains(".") { result.removeFirst(7) }
                return (result, Int(UInt16(bigEndian: address.sin6_port)))
            default:
                return ("", 0)
            }
        }
    }

    private static func decodeCString(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ label: String) throws(HTTPServerError) {
        var one: Int32 = 1
        guard setsockopt(fd, level, name, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .socketFailed(operation: "setsockopt \(label)", errno: errno)
        }
    }
}
