import Foundation
import Glibc
import TestSupport

@testable import HTTPCore

/// One verified TLS connection to a test server that stays open for several requests, so a
/// test can tell keep-alive apart from a new connection per request. It reuses the client's
/// own socket and TLS stream (which `HTTPClient` closes after one exchange).
final class HTTPSServerKeepAliveClient {
    private let stream: HTTPClientTLSStream

    init(port: Int, caFile: String) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        let socket = try HTTPClientSocket.connect(
            host: "localhost", addresses: ["127.0.0.1"], port: port, connectTimeout: .seconds(5), deadline: deadline)
        stream = try HTTPClientTLSStream(socket: socket, host: "localhost", extraCAFile: caFile, deadline: deadline)
    }

    /// Sends one GET without `Connection: close` and reads its answer.
    func get(_ path: String) throws -> HTTPClientResponse {
        let deadline = ContinuousClock.now + .seconds(10)
        try stream.write(Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), deadline: deadline)
        // Requests go one at a time, so no bytes of a later answer can be in this reader's buffer.
        let reader = HTTPClientResponseReader(stream: stream, deadline: deadline, maxBodySize: 1 << 20)
        let head = try reader.readHead()
        let body = try reader.readBody(requestMethod: "GET", status: head.status, headers: head.headers)
        return HTTPClientResponse(status: head.status, headers: head.headers, body: body)
    }
}

/// Splits the bytes of back-to-back HTTP/1.1 answers framed by Content-Length, as
/// `openssl s_client` prints them.
enum HTTPSServerResponseSplitter {
    struct Answer: Equatable {
        var status: Int
        var contentType: String?
        var body: [UInt8]
    }

    static func split(_ bytes: [UInt8]) -> [Answer] {
        var answers: [Answer] = []
        var rest = bytes[...]
        while let headEnd = headEnd(in: rest) {
            let head = String(decoding: rest[rest.startIndex..<headEnd], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            let statusWords = lines[0].split(separator: " ")
            guard statusWords.count >= 2, let status = Int(statusWords[1]) else { break }
            var fields: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            let length = fields["content-length"].flatMap(Int.init) ?? 0
            let bodyStart = headEnd + 4
            guard rest.endIndex - bodyStart >= length else { break }
            answers.append(
                Answer(
                    status: status, contentType: fields["content-type"],
                    body: Array(rest[bodyStart..<(bodyStart + length)])))
            rest = rest[(bodyStart + length)...]
        }
        return answers
    }

    private static func headEnd(in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in bytes.startIndex...(bytes.endIndex - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}

/// A raw TCP connection that speaks no TLS at all, for clients that stall or send garbage.
final class HTTPSServerRawConnection {
    private let descriptor: Int32

    /// Every read gives up after `receiveTimeoutSeconds`, so a server that never closes fails
    /// the test rather than hanging it.
    init(port: Int, receiveTimeoutSeconds: Int = 10) throws {
        descriptor = try TestSockets.connect(port: port)
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads (and drops) whatever the server sends until it closes the connection. True when
    /// it closed (end of stream or reset), false when the receive timeout passed first.
    func serverClosesConnection() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count > 0 { continue }
            if count == 0 { return true }
            if errno == EINTR { continue }
            return errno == ECONNRESET
        }
    }
}
