import Foundation
import HTTPCore
import Testing

@Suite struct ServerConnectionTests {
    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let first = try client.readResponse()
            client.send("GET /missing HTTP/1.1\r\nHost: a\r\n\r\n")
            let second = try client.readResponse()
            #expect(first.status == 200)
            #expect(first.bodyText == "hello")
            #expect(first.header("Connection") == nil)
            #expect(first.header("Date")?.hasSuffix(" GMT") == true)
            #expect(first.header("Server") == HTTPCore.serverName)
            #expect(second.status == 404)
        }
    }

    @Test func ipv6LoopbackIsServed() throws {
        try withServerForTest(host: "::1") { _, port in
            let client = try ServerTestClient(host: "::1", port: port)
            client.send("GET /whoami HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "::1")
        }
    }

    @Test func http10ClosesByDefault() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func http10KeepAliveIsEchoedAndKept() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try client.readResponse()
            client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let second = try client.readResponse()
            #expect(first.header("Connection") == "keep-alive")
            #expect(second.status == 200)
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func headGetsContentLengthButNoBody() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try client.readResponse(bodyExpected: false)
            // The next response must start right after the head: no body bytes in between.
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let get = try client.readResponse()
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            #expect(get.bodyText == "hello")
        }
    }

    @Test func requestBodyIsDelivered() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\npayload")
            let response = try client.readResponse()
            #expect(response.bodyText == "payload")
        }
    }

    @Test func pipelinedResponsesKeepRequestOrderWhenTheFirstIsDeferred() throws {
        let gate = ServerTestGate()
        try withServerForTest(handler: ServerTestHandler(gate: gate)) { _, port in
            let client = try ServerTestClient(port: port)
            client.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(gate.waitUntilEntered())
            gate.open()
            let first = try client.readResponse()
            let second = try client.readResponse()
            #expect(first.bodyText == "gated")
            #expect(second.bodyText == "hello")
        }
    }

    @Test func expectContinueGetsAnInterimResponseBeforeTheBody() throws {
        try withServerForTest { _, port in
            let client = try ServerTestClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            client.send("ping")
            let final = try client.readResponse()
            #expect(interim.status == 100)
            #expect(final.status == 200)
            #expect(final.bodyText == "ping")
        }
    }
}
