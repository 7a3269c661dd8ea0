import Foundation
import TestSupport
import Testing

/// Runs the built `homepage-server` the way a script would.
@Suite struct ServerExecutableTests {
    @Test func servesTheHomepageAndStopsCleanlyOnSIGTERM() throws {
        let temporary = TemporaryDirectory(prefix: "server-exe")
        defer { temporary.remove() }
        let dataDirectory = temporary.file("data")
        let server = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", dataDirectory, "--workers", "1",
        ])

        #expect(server.stdout.lines.first?.hasPrefix("http://127.0.0.1:") == true)
        let client = try ServerTestClient(port: server.httpPort)
        client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)

        // SIGTERM: a normal exit with status 0 (nil would mean killed by a signal).
        #expect(server.stop() == 0)
        #expect(temporary.mode(of: "data") == 0o700)
    }

    @Test func badFlagExitsWithTwoAndWritesNothing() throws {
        let temporary = TemporaryDirectory(prefix: "server-exe")
        defer { temporary.remove() }
        let dataDirectory = temporary.file("data")
        let server = try EndToEndServerProcess(
            arguments: ["--http-port", "not-a-port", "--data-dir", dataDirectory], waitForURL: false)
        server.process.waitUntilExit()
        server.stdout.waitUntilClosed()
        server.stderr.waitUntilClosed()

        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 2)
        #expect(server.stdout.text.isEmpty)
        #expect(server.stderr.text.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory))
    }
}
