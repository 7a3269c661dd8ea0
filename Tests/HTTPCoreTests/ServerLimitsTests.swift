import Foundation
import HTTPCore
import Testing

@Suite struct ServerLimitsTests {
    @Test func slowHeaderIsCutOffWith408() throws {
        try withServerForTest(configure: { $0.headerTimeout = .milliseconds(300) }) { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() throws {
        try withServerForTest(configure: { $0.idleTimeout = .milliseconds(300) }) { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(client.isClosedByServer())
            #expect(client.pendingBytes.isEmpty)
        }
    }

    @Test func connectionsBeyondTheCapAreClosedAndOthersKeepWorking() throws {
        try withServerForTest(configure: { $0.maxConnections = 2 }) { _, port in
            let first = try ServerTestClient(port: port)
            let second = try ServerTestClient(port: port)
            for client in [first, second] {
                client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            let third = try ServerTestClient(port: port)
            third.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(third.isClosedByServer())
            first.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try first.readResponse().status == 200)
        }
    }

    @Test func parseErrorGetsItsStatusAndCloseWhileAnotherConnectionKeepsWorking() throws {
        try withServerForTest { _, port in
            let healthy = try ServerTestClient(port: port)
            let broken = try ServerTestClient(port: port)
            broken.send("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            let refused = try broken.readResponse()
            #expect(refused.status == 400)
            #expect(refused.bodyText == "conflicting Content-Length values\n")
            #expect(refused.header("Connection") == "close")
            #expect(broken.isClosedByServer())
            healthy.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try healthy.readResponse().status == 200)
        }
    }

    @Test func lastAllowedRequestOnAConnectionIsAnsweredWithClose() throws {
        try withServerForTest(configure: { $0.maxRequestsPerConnection = 2 }) { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().header("Connection") == nil)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }
}

@Suite struct ServerShutdownTests {
    @Test func gracefulShutdownFinishesAnInFlightDeferredRequestThenStops() throws {
        let gate = ServerTestGate()
        let server = HTTPServer(configuration: HTTPServerConfiguration())
        let port = try server.listen(host: "127.0.0.1", port: 0).port
        try server.start(handler: ServerTestHandler(gate: gate))
        let idle = try ServerTestClient(port: port)
        let busy = try ServerTestClient(port: port)
        busy.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(gate.waitUntilEntered())
        server.shutdown(gracePeriod: .seconds(10))
        #expect(idle.isClosedByServer())
        gate.open()
        let response = try busy.readResponse()
        server.waitUntilStopped()
        #expect(response.status == 200)
        #expect(response.bodyText == "gated")
        #expect(response.header("Connection") == "close")
        #expect(busy.isClosedByServer())
        #expect(throws: ServerTestClient.Failure.self) { try ServerTestClient(port: port) }
    }

    @Test func gracePeriodEndsARequestThatNeverFinishes() throws {
        let gate = ServerTestGate()
        let server = HTTPServer(configuration: HTTPServerConfiguration())
        let port = try server.listen(host: "127.0.0.1", port: 0).port
        try server.start(handler: ServerTestHandler(gate: gate))
        let busy = try ServerTestClient(port: port)
        busy.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(gate.waitUntilEntered())
        server.shutdown(gracePeriod: .milliseconds(200))
        server.waitUntilStopped()
        #expect(busy.isClosedByServer())
        gate.open()
    }

    @Test func listenerAddedWhileRunningServesRequests() throws {
        try withServerForTest { server, _ in
            let second = try server.listen(host: "127.0.0.1", port: 0)
            let client = try ServerTestClient(port: second.port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(server.listeners.count == 2)
        }
    }

    @Test func serverThatNeverStartedShutsDownAndFreesItsPort() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration())
        let port = try server.listen(host: "127.0.0.1", port: 0).port
        server.shutdown()
        server.waitUntilStopped()
        #expect(throws: ServerTestClient.Failure.self) { try ServerTestClient(port: port) }
    }
}
