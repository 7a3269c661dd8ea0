import Glibc

/// Loopback sockets for fake servers, proxies and clients in tests.
public enum TestSockets {
    public enum Failure: Error { case systemCall(String) }

    /// A listening socket on 127.0.0.1 with an ephemeral port.
    public static func listen(backlog: Int32) throws -> (descriptor: Int32, port: Int) {
        let (descriptor, port) = try bind()
        guard Glibc.listen(descriptor, backlog) == 0 else {
            close(descriptor)
            throw Failure.systemCall("listen")
        }
        return (descriptor, port)
    }

    /// A socket bound to 127.0.0.1 and an ephemeral port that never listens: a connection to
    /// the port is refused, and while the descriptor is open no other socket (another test's
    /// server) can take the port. Close the descriptor when the test is done.
    public static func refusingPort() throws -> (descriptor: Int32, port: Int) {
        try bind()
    }

    /// A blocking TCP connection to 127.0.0.1:`port`; the caller closes the descriptor.
    public static func connect(port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.systemCall("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            throw Failure.systemCall("connect")
        }
        return descriptor
    }

    private static func bind() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.systemCall("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                Glibc.bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw Failure.systemCall("bind")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
