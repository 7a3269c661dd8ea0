import Foundation
import Glibc

/// A tiny blocking HTTP client for the server tests: raw bytes out, responses parsed just
/// enough to check them. Every read has a receive timeout so a broken server fails a test
/// instead of hanging it.
final class ServerTestClient {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    enum Failure: Error {
        case connectFailed(Int32)
        case closedBeforeResponse
        case timedOut
        case malformed(String)
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    /// `sourceAddress` (IPv4 only) binds the client's end, e.g. `127.0.0.2`, so tests can play
    /// two hosts on loopback; `receiveBufferSize` shrinks the client's socket buffer so a
    /// client that does not read pushes back on the server sooner.
    init(
        host: String = "127.0.0.1", port: Int, receiveTimeoutSeconds: Int = 5, sourceAddress: String? = nil,
        receiveBufferSize: Int32? = nil
    ) throws {
        let isIPv6 = host.contains(":")
        fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBufferSize {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let sourceAddress, !isIPv6 {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, sourceAddress, &local.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw Failure.connectFailed(errno) }
        }
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        // No close here: the object is whole, so deinit closes the socket even on this throw.
        guard result == 0 else { throw Failure.connectFailed(errno) }
    }

    deinit {
        Glibc.close(fd)
    }

    /// Sends every byte; false when the connection failed first (reset, or closed by the server).
    @discardableResult
    func send(_ text: String) -> Bool {
        send(bytes: Array(text.utf8))
    }

    @discardableResult
    func send(bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Half-closes the connection: the server sees end of input, and can still answer.
    func finishSending() {
        Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads one response; `bodyExpected: false` for HEAD, whose Content-Length has no body.
    func readResponse(bodyExpected: Bool = true) throws -> Response {
        var headEnd = findHeadEnd()
        while headEnd == nil {
            try fill()
            headEnd = findHeadEnd()
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.malformed(head) }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = Response(status: status, headers: headers, body: [])
        let hasNoBody = !bodyExpected || status < 200 || status == 204 || status == 304
        if !hasNoBody, let length = response.header("Content-Length").flatMap(Int.init) {
            while buffer.count < length { try fill() }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return response
    }

    /// True when the server closed the connection (EOF or reset) before the receive timeout,
    /// with no further bytes sent.
    func isClosedByServer() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, 0)
        if count == 0 { return true }
        if count < 0 { return errno == ECONNRESET }
        buffer.append(byte)
        return false
    }

    /// True only for an orderly end of stream (FIN), not a reset, with no further bytes sent.
    func receivesOrderlyEnd() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Reads what has arrived, up to `count` bytes, and drops it: the count read, 0 at the end
    /// of stream, -1 on a reset or when nothing came within the receive timeout.
    func discard(upTo count: Int) -> Int {
        if !buffer.isEmpty {
            let taken = min(count, buffer.count)
            buffer.removeFirst(taken)
            return taken
        }
        var chunk = [UInt8](repeating: 0, count: count)
        let received = recv(fd, &chunk, count, 0)
        return received < 0 ? -1 : received
    }

    /// Whether the server has closed the connection, asked without waiting: true at end of
    /// stream or reset, false while it is open (whether or not bytes wait).
    func isClosedNow() -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT) | Int32(MSG_PEEK))
        if count == 0 { return true }
        if count < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
        return false
    }

    /// Bytes received and not yet returned as part of a response.
    var pendingBytes: [UInt8] { buffer }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return
        }
        if count == 0 { throw Failure.closedBeforeResponse }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timedOut }
        throw Failure.closedBeforeResponse
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}
