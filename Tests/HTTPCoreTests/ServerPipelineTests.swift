import HTTPCore
import Testing

/// Pipelined requests beyond the pipelining cap wait in the parser; a client that half-closes
/// after sending them must still get every answer, as nginx gives.
@Suite struct ServerPipelineTests {
    @Test func everyPipelinedRequestIsAnsweredWhenTheClientHalfClosesPastTheCap() throws {
        try withServerForTest(configure: { $0.maxPipelinedRequests = 4 }) { _, port in
            let client = try ServerTestClient(port: port)
            let count = 200
            client.send(String(repeating: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", count: count))
            client.finishSending()
            var answered = 0
            while answered < count, let response = try? client.readResponse() {
                #expect(response.status == 200)
                answered += 1
            }
            #expect(answered == count)
            #expect(client.isClosedByServer())
        }
    }

    @Test func requestsQueuedBehindADeferredAnswerSurviveAHalfClose() throws {
        let gate = ServerTestGate()
        try withServerForTest(configure: { $0.maxPipelinedRequests = 2 }, handler: ServerTestHandler(gate: gate)) {
            _, port in
            let client = try ServerTestClient(port: port)
            client.send(
                "GET /gate HTTP/1.1\r\nHost: a\r\n\r\n"
                    + String(repeating: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", count: 10))
            client.finishSending()
            #expect(gate.waitUntilEntered())
            gate.open()
            #expect(try client.readResponse().bodyText == "gated")
            var answered = 0
            while answered < 10, let response = try? client.readResponse() {
                #expect(response.bodyText == "hello")
                answered += 1
            }
            #expect(answered == 10)
            #expect(client.isClosedByServer())
        }
    }

    @Test func nothingAfterAConnectionCloseRequestIsAnsweredEvenAfterAHalfClose() throws {
        try withServerForTest(configure: { $0.maxPipelinedRequests = 2 }) { _, port in
            let client = try ServerTestClient(port: port)
            let plain = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
            client.send(
                plain + plain + plain + "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + plain + plain)
            client.finishSending()
            for _ in 0..<3 { #expect(try client.readResponse().header("Connection") == nil) }
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }
}
