import Glibc
import HTTPCore
import Testing

/// After its last answer the server shuts its sending side and drops what the client still
/// sends, so the client sees an orderly end, not a reset that could destroy the answer.
@Suite struct ServerLingeringCloseTests {
    @Test func aRefusedBodyStillInFlightEndsInAnOrderlyCloseNotAReset() throws {
        try withServerForTest(configure: { $0.parserLimits.maxBodySize = 1000 }) { _, port in
            let client = try ServerTestClient(port: port)
            let head = Array("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 400000\r\n\r\n".utf8)
            client.send(bytes: head + [UInt8](repeating: 0x61, count: 400_000))
            client.finishSending()
            let refused = try client.readResponse()
            #expect(refused.status == 413)
            #expect(refused.header("Connection") == "close")
            #expect(client.receivesOrderlyEnd())
        }
    }

    @Test func requestsPipelinedAfterAConnectionCloseEndInAnOrderlyCloseNotAReset() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            let late = String(repeating: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", count: 10_000)
            client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + late)
            client.finishSending()
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.receivesOrderlyEnd())
        }
    }

    @Test func aClientThatKeepsItsEndOpenIsReleasedAfterTheLingeringTimeout() throws {
        try withServerForTest(configure: {
            $0.lingeringTimeout = .milliseconds(300)
            $0.maxConnections = 1
        }) { _, port in
            let holder = try ServerTestClient(port: port)
            holder.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(try holder.readResponse().status == 200)
            // The holder never closes; its server side must still be freed for the next client.
            var served = false
            for _ in 0..<50 where !served {
                let next = try ServerTestClient(port: port, receiveTimeoutSeconds: 1)
                next.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                served = (try? next.readResponse().status) == 200
                if !served { usleep(100_000) }
            }
            #expect(served)
        }
    }
}
