import Dispatch
import Glibc
import Synchronization
import Testing

@testable import HTTPCore

/// Answers streamed from files, memory per connection bounded in bytes, slow readers and
/// silent connections closed, one host unable to take every slot.
@Suite(.serialized) struct ServerHostileClientTests {
    /// A temporary file of `size` bytes (byte i is i*13 mod 256), removed by `remove`.
    static func makeFile(size: Int) throws -> String {
        var template = Array("/tmp/hostile-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        defer { close(fd) }
        let chunk = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        var written = 0
        while written < size {
            let count = min(chunk.count, size - written)
            let result = chunk.withUnsafeBytes { write(fd, $0.baseAddress, count) }
            try #require(result == count)
            written += count
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func expectedBytes(_ range: Range<Int>) -> [UInt8] {
        range.map { UInt8(truncatingIfNeeded: ($0 % 65536) &* 13) }
    }

    /// `/file`: the whole file; `/parts`: "<" from memory, bytes 10..<20, the whole file;
    /// `/memory`: 1 MiB from memory, counting how often it ran.
    struct FileHandler: HTTPHandler {
        let path: String
        let memoryAnswers = Counter()

        final class Counter: Sendable {
            let value = Atomic<Int>(0)
        }

        static let memoryBody = [UInt8](repeating: 42, count: 1024 * 1024)

        func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
            do {
                switch request.path {
                case "/file":
                    return .response(HTTPResponse(status: 200, bodyFiles: [try HTTPFileBody(path: path)]))
                case "/parts":
                    var response = HTTPResponse(status: 200, body: Array("<".utf8))
                    response.bodyFiles = [try HTTPFileBody(path: path, range: 10..<20), try HTTPFileBody(path: path)]
                    return .response(response)
                case "/memory":
                    memoryAnswers.value.add(1, ordering: .relaxed)
                    return .response(HTTPResponse(status: 200, body: Self.memoryBody))
                default:
                    return .response(HTTPResponse(status: 404))
                }
            } catch {
                return .response(HTTPResponse(status: 500, contentType: "text/plain", body: "\(error)"))
            }
        }
    }

    @Test func fileBodiesAreStreamedInOrderWithTheirLength() throws {
        let path = try Self.makeFile(size: 3 * 1024 * 1024 + 7)
        defer { unlink(path) }
        try withServerForTest(handler: FileHandler(path: path)) { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET /file HTTP/1.1\r\nHost: a\r\n\r\nGET /parts HTTP/1.1\r\nHost: a\r\n\r\n")
            let whole = try client.readResponse()
            #expect(whole.status == 200)
            #expect(whole.body == Self.expectedBytes(0..<(3 * 1024 * 1024 + 7)))
            let parts = try client.readResponse()
            let partsLength = 1 + 10 + whole.body.count
            #expect(parts.header("Content-Length") == String(partsLength))
            var expected: [UInt8] = Array("<".utf8)
            expected += Self.expectedBytes(10..<20)
            expected += whole.body
            #expect(parts.body == expected)
            client.send("HEAD /file HTTP/1.1\r\nHost: a\r\n\r\nGET /file HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try client.readResponse(bodyExpected: false)
            #expect(head.header("Content-Length") == String(3 * 1024 * 1024 + 7))
            // Nothing of the file followed the HEAD answer: the next answer starts right after.
            #expect(try client.readResponse().body.count == 3 * 1024 * 1024 + 7)
        }
    }

    @Test func aRangePastTheEndIsCutToTheFile() throws {
        let path = try Self.makeFile(size: 100)
        defer { unlink(path) }
        let body = try HTTPFileBody(path: path, range: 90..<200)
        #expect(body.offset == 90)
        #expect(body.length == 10)
        #expect(throws: (any Error).self) { try HTTPFileBody(path: "/tmp") }
    }

    /// Before the bound, 16 pipelined requests for a 1 MiB answer ran the handler 16 times
    /// and held 16 MiB for a client that never reads.
    @Test func answersHeldForAClientThatDoesNotReadAreBoundedInBytes() throws {
        let handler = FileHandler(path: "/dev/null")
        try withServerForTest(configure: { $0.workers = 1 }, handler: handler) { server, port in
            let client = try ServerTestClient(port: port, receiveBufferSize: 4096)
            client.send(String(repeating: "GET /memory HTTP/1.1\r\nHost: a\r\n\r\n", count: 16))
            usleep(500_000)
            let answers = handler.memoryAnswers.value.load(ordering: .relaxed)
            let pending = server.pendingOutputByteCount()
            print("pipelined 16 x 1 MiB, never read: handler ran \(answers) times, \(pending) bytes held")
            #expect(answers >= 1)
            #expect(answers <= 3)
            #expect(pending <= 1024 * 1024 + 64 * 1024)
        }
    }

    @Test func aReaderBelowTheMinimumRateIsClosedAndAFastOneIsServed() throws {
        let size = 32 * 1024 * 1024
        let path = try Self.makeFile(size: size)
        defer { unlink(path) }
        try withServerForTest(
            configure: {
                $0.writeTimeout = .seconds(1)
                $0.minimumSendRate = 512 * 1024
            }, handler: FileHandler(path: path)
        ) { _, port in
            let slow = try ServerTestClient(port: port, receiveBufferSize: 8192)
            slow.send("GET /file HTTP/1.1\r\nHost: a\r\n\r\n")
            let started = DispatchTime.now().uptimeNanoseconds
            var received = 0
            var closed = false
            // About 100 KiB/s, a fifth of the minimum rate.
            while DispatchTime.now().uptimeNanoseconds - started < 15_000_000_000 {
                let count = slow.discard(upTo: 2048)
                if count <= 0 {
                    closed = true
                    break
                }
                received += count
                usleep(20_000)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            print("slow reader: closed=\(closed) after \(seconds) s with \(received) of \(size) bytes")
            #expect(closed)
            #expect(received < size)

            let fast = try ServerTestClient(port: port)
            fast.send("GET /file HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try fast.readResponse().body.count == size)
        }
    }

    @Test func aConnectionThatNeverSendsGetsTheHeaderTimeoutNotTheIdleOne() throws {
        try withServerForTest(configure: {
            $0.headerTimeout = .seconds(1)
            $0.idleTimeout = .seconds(30)
        }) { _, port in
            let client = try ServerTestClient(port: port, receiveTimeoutSeconds: 10)
            let started = DispatchTime.now().uptimeNanoseconds
            #expect(client.receivesOrderlyEnd())
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            print("silent connection closed after \(seconds) s (header timeout 1 s, idle 30 s)")
            #expect(seconds >= 0.9)
            #expect(seconds < 3)
        }
    }

    @Test func oneClientCannotHoldMoreThanItsShare() throws {
        try withServerForTest(configure: { $0.maxConnectionsPerClient = 4 }) { _, port in
            var held: [ServerTestClient] = []
            for _ in 0..<4 {
                let client = try ServerTestClient(port: port, sourceAddress: "127.0.0.2")
                client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                held.append(client)
            }
            let fifth = try ServerTestClient(port: port, sourceAddress: "127.0.0.2")
            #expect(fifth.isClosedByServer())
            let other = try ServerTestClient(port: port, sourceAddress: "127.0.0.1")
            other.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try other.readResponse().status == 200)
            // A slot given back is free again.
            held.removeLast()
            var admitted = false
            for _ in 0..<50 where !admitted {
                usleep(20_000)
                let again = try ServerTestClient(port: port, sourceAddress: "127.0.0.2")
                again.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                admitted = (try? again.readResponse().status) == 200
            }
            #expect(admitted)
        }
    }

    /// A client reconnecting after `Connection: close` is not refused while its old connection
    /// lingers, waiting for the client's end of stream.
    @Test func aLingeringConnectionDoesNotCountAgainstItsClient() throws {
        try withServerForTest(configure: { $0.maxConnectionsPerClient = 1 }) { _, port in
            let first = try ServerTestClient(port: port, sourceAddress: "127.0.0.2")
            first.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(try first.readResponse().status == 200)
            // `first` stays open: the server has shut its sending side and lingers.
            var served = false
            for _ in 0..<50 where !served {
                let second = try ServerTestClient(port: port, sourceAddress: "127.0.0.2")
                second.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                served = (try? second.readResponse().status) == 200
                if !served { usleep(20_000) }
            }
            #expect(served)
            #expect(first.receivesOrderlyEnd())
        }
    }

    /// The proof for connection slots: 1000 silent connections from 127.0.0.2 while 127.0.0.1
    /// keeps being served quickly; every silent one is closed by the header timeout.
    @Test func aThousandSilentConnectionsFromOneHostNeitherStarveAnotherNorStay() throws {
        let headerTimeout = 2.0
        try withServerForTest(configure: { $0.headerTimeout = .seconds(2) }) { _, port in
            let silent = SilentClients()
            let opener = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                for _ in 0..<1000 {
                    if let client = try? ServerTestClient(port: port, sourceAddress: "127.0.0.2") {
                        silent.items.append((client, DispatchTime.now().uptimeNanoseconds))
                    }
                }
                opener.signal()
            }
            let client = try ServerTestClient(port: port, sourceAddress: "127.0.0.1")
            var latencies: [Double] = []
            for _ in 0..<300 {
                let start = DispatchTime.now().uptimeNanoseconds
                client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            opener.wait()
            latencies.sort()
            let p99 = latencies[latencies.count * 99 / 100]
            // The opener is done: its writes happened before the semaphore's signal.
            let opened = silent.items.count
            // Wait out the header timeout of the last one opened, plus one deadline tick and slack.
            let lastOpened = silent.items.map(\.openedAt).max() ?? 0
            let waitUntil = lastOpened + UInt64((headerTimeout + 0.75) * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if waitUntil > now { usleep(UInt32((waitUntil - now) / 1000)) }
            let stillOpen = silent.items.filter { !$0.client.isClosedNow() }.count
            print(
                "1000 silent connections from 127.0.0.2 (\(opened) connected): 127.0.0.1 p99 \(p99) ms, "
                    + "max \(latencies.last ?? 0) ms over \(latencies.count) requests; "
                    + "still open \(headerTimeout + 0.75) s after the last: \(stillOpen)")
            #expect(opened == 1000)
            #expect(p99 < 50)
            #expect(stillOpen == 0)
        }
    }
}

/// Filled by one thread, read by another only after a semaphore says it is done.
private final class SilentClients: @unchecked Sendable {
    var items: [(client: ServerTestClient, openedAt: UInt64)] = []
}
