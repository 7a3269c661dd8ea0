import Foundation
import Glibc
import HTTPCore
import Synchronization
import TestSupport
import Testing

/// Response framing and every failure kind of the client, over plain HTTP on loopback.
@Suite struct ClientExchangeTests {
    private func client(_ adjust: (inout HTTPClient.Configuration) -> Void = { _ in }) -> HTTPClient {
        var configuration = HTTPClient.Configuration(proxy: .direct)
        configuration.totalTimeout = .seconds(20)
        adjust(&configuration)
        return HTTPClient(configuration: configuration)
    }

    private func failure(_ client: HTTPClient, _ request: HTTPClientRequest) -> HTTPClientError? {
        do throws(HTTPClientError) {
            _ = try client.send(request)
            return nil
        } catch {
            return error
        }
    }

    private func serving(_ text: String) throws -> FakeServer {
        try FakeServer(behaviour: .respond(Array(text.utf8)))
    }

    @Test func postSendsBodyAndLength() throws {
        let server = try serving("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        defer { server.stop() }
        let response = try client().send(
            HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/rpc", body: Array("{}".utf8)))
        #expect(response.status == 201)
        #expect(server.observations.first?.requestHead.contains("Content-Length: 2\r\n") == true)
        #expect(server.observations.first?.requestBody == Array("{}".utf8))
    }

    @Test func chunkedBodyIsDecoded() throws {
        let server = try serving(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"
        )
        defer { server.stop() }
        let response = try client().send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
    }

    @Test func bodyWithoutLengthEndsWithTheConnection() throws {
        let server = try serving("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")
        defer { server.stop() }
        let response = try client().send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(String(decoding: response.body, as: UTF8.self) == "until close")
        #expect(response.headers["content-type"] == "text/plain")
    }

    @Test func interimResponseIsSkipped() throws {
        let server = try serving("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
        defer { server.stop() }
        let response = try client().send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(response.status == 204)
    }

    @Test func garbageAnswerIsMalformed() throws {
        let server = try serving("SMTP ready\r\n\r\n")
        defer { server.stop() }
        let error = failure(client(), HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        guard case .malformedResponse = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
    }

    @Test func truncatedBodyIsMalformed() throws {
        let server = try serving("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        defer { server.stop() }
        let error = failure(client(), HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        guard case .malformedResponse = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n" + String(repeating: "a", count: 101),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" + String(repeating: "a", count: 101)
            + "\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "a", count: 101),
    ])
    func bodyOverTheLimitIsRefused(_ answer: String) throws {
        let server = try serving(answer)
        defer { server.stop() }
        let error = failure(
            client { $0.maxResponseSize = 100 }, HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(error == .responseTooLarge(limit: 100))
    }

    /// A chunk size near Int.max after a first chunk must be refused, not overflow the sum.
    @Test func hugeChunkSizeAfterAChunkIsRefused() throws {
        let server = try serving(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n")
        defer { server.stop() }
        let error = failure(
            client { $0.maxResponseSize = 100 }, HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(error == .responseTooLarge(limit: 100))
    }

    @Test func resetConnectionIsReported() throws {
        let server = try FakeServer(behaviour: .resetAfterRequest)
        defer { server.stop() }
        let error = failure(client(), HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(error == .connectionResetAfterSending)
    }

    @Test func closedPortIsRefused() throws {
        let (descriptor, port) = try TestSockets.refusingPort()
        defer { close(descriptor) }
        let error = failure(client(), HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(error == .connectionRefused(host: "127.0.0.1", port: port))
    }

    @Test func silentServerHitsTheTotalTimeout() throws {
        let server = try FakeServer(behaviour: .neverAnswer)
        defer { server.stop() }
        let error = failure(
            client { $0.totalTimeout = .milliseconds(300) }, HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(error == .timedOutAfterSending)
    }

    /// Loopback never drops a SYN by itself, but a listener whose accept queue is full does:
    /// fill a backlog-0 listener that never accepts, and the next connect stays pending.
    @Test func fullBacklogHitsTheConnectTimeout() throws {
        let (listener, port) = try TestSockets.listen(backlog: 0)
        defer { close(listener) }
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            fillers.append(filler)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        let error = failure(
            client { $0.connectTimeout = .milliseconds(300) }, HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(error == .connectTimedOut)
    }

    /// The system resolver answers `.invalid` names itself (RFC 6761), so this sends no query.
    @Test func unknownNameFailsLookup() {
        let error = failure(client(), HTTPClientRequest(url: "http://no-such-box.invalid/"))
        guard case .dnsFailed(let host, let detail) = error else {
            Issue.record("expected dnsFailed, got \(String(describing: error))")
            return
        }
        #expect(host == "no-such-box.invalid")
        #expect(detail.contains("reserved .invalid name"))
    }

    /// The one getaddrinfo wrapper (the box's DNS check uses it too), on literals: no query.
    @Test func systemLookupGivesAddressLiteralsBack() throws {
        #expect(NameResolution.system("127.0.0.1") == .addresses(["127.0.0.1"]))
        #expect(NameResolution.system("::1") == .addresses(["::1"]))
        #expect(try HTTPClientResolver.system.resolve("127.0.0.1") == ["127.0.0.1"])
    }

    @Test func slowLookupTimesOut() {
        let release = DispatchSemaphore(value: 0)
        let slow = HTTPClientResolver { _ throws(HTTPClientError) in
            release.wait()
            return ["127.0.0.1"]
        }
        let error = failure(
            client {
                $0.resolver = slow
                $0.dnsTimeout = .milliseconds(200)
            }, HTTPClientRequest(url: "http://slow.test/"))
        release.signal()
        #expect(error == .dnsTimedOut(host: "slow.test"))
    }

    /// A space or a control character would break the request line, and CR LF would let the
    /// URL write headers of its own: such a URL is refused before any connection.
    @Test(arguments: [
        "ftp://example.test/", "http://", "http://host:99999/", "example.test/path", "http://127.0.0.1:1/a b",
        "http://127.0.0.1:1/a\r\nX-Injected: 1", "http://127.0.0.1:1/?q=\u{7F}", "http://127.0.0.1\t:1/",
    ])
    func unusableURLIsRejected(_ url: String) {
        #expect(failure(client(), HTTPClientRequest(url: url)) == .invalidURL(url))
    }

    @Test func errorsReadAsSentences() {
        #expect(HTTPClientError.responseTooLarge(limit: 10).description == "the response is larger than 10 bytes")
        #expect(HTTPClientError.proxyRefused(status: 403).description.contains("403"))
    }
}
