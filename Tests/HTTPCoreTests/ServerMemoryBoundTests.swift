import Foundation
import Glibc
import TestSupport
import Testing

/// The memory bound, measured on the real executable: clients that pipeline requests for a
/// big file and never read must not grow the process by more than a fixed amount.
@Suite struct ServerMemoryBoundTests {
    static func residentKilobytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    @Test func sixtyFourConnectionsPipeliningABigFileNeverReadStayUnder32MB() throws {
        let temporary = TemporaryDirectory(prefix: "server-memory")
        defer { temporary.remove() }
        mkdir(temporary.file("public"), 0o755)
        let fileSize = 4 * 1024 * 1024
        try Data((0..<fileSize).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            .write(to: URL(fileURLWithPath: temporary.file("public/big.bin")))

        let server = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0", "--workers", "1", "--public-dir", temporary.file("public"),
            "--data-dir", temporary.file("data"),
        ])
        let port = server.httpPort
        let request = "GET /static/big.bin HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n"

        // Warm up: the path a request takes, once, read completely.
        let warm = try ServerTestClient(port: port, sourceAddress: "127.0.0.3")
        warm.send(request)
        #expect(try warm.readResponse().body.count == fileSize)
        usleep(200_000)
        let before = try #require(Self.residentKilobytes(of: server.process.processIdentifier))

        var clients: [ServerTestClient] = []
        for _ in 0..<64 {
            let client = try ServerTestClient(port: port, sourceAddress: "127.0.0.2", receiveBufferSize: 4096)
            client.send(String(repeating: request, count: 16))
            clients.append(client)
        }
        var peak = before
        for _ in 0..<30 {
            usleep(100_000)
            peak = max(peak, Self.residentKilobytes(of: server.process.processIdentifier) ?? 0)
        }
        let growthMB = Double(peak - before) / 1024
        print(
            "64 connections x 16 pipelined 4 MB files, never read: RSS \(before / 1024) MB before, "
                + "peak \(peak / 1024) MB, growth \(growthMB) MB")
        #expect(growthMB <= 32)

        // Still serving others meanwhile.
        let other = try ServerTestClient(port: port, sourceAddress: "127.0.0.3")
        other.send(request)
        #expect(try other.readResponse().body.count == fileSize)
        withExtendedLifetime(clients) {}
    }
}
