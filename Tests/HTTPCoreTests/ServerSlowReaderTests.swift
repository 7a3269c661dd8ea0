import Glibc
import Testing

@testable import HTTPCore

/// A client that pipelines requests and never reads the answers must not make the server hold
/// a whole pipeline of encoded answers: memory per such client stays near one answer.
@Suite struct ServerSlowReaderTests {
    @Test func answersToAClientThatDoesNotReadAreEncodedOneAtATime() throws {
        try withServerForTest(configure: { $0.workers = 1 }) { server, port in
            let client = try ServerTestClient(port: port)
            client.send(String(repeating: "GET /large HTTP/1.1\r\nHost: a\r\n\r\n", count: 4))
            var pending = 0
            for _ in 0..<200 where pending == 0 {
                usleep(10_000)
                pending = server.pendingOutputByteCount()
            }
            let oneAnswer = ServerTestHandler.largeBody.count + 1024
            #expect(pending > 0)
            #expect(pending <= oneAnswer)
            let first = try client.readResponse()
            #expect(first.body == ServerTestHandler.largeBody)
        }
    }

    @Test func answersHeldBackByTheHighWaterMarkAllLeaveForAReadingClient() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send(String(repeating: "GET /medium HTTP/1.1\r\nHost: a\r\n\r\n", count: 8))
            for _ in 0..<8 {
                #expect(try client.readResponse().body == ServerTestHandler.mediumBody)
            }
        }
    }
}
