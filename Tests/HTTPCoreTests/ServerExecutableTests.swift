import Foundation
import Testing

/// Runs the built `homepage-server` the way a script would.
@Suite struct ServerExecutableTests {
    /// The product sits beside the test bundle in the build directory.
    static var executableURL: URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("homepage-server")
    }

    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("server-exe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func servesTheHomepageAndStopsCleanlyOnSIGTERM() throws {
        let temporary = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let dataDirectory = temporary.appendingPathComponent("data")
        let process = Process()
        process.executableURL = Self.executableURL
        process.arguments = [
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", dataDirectory.path, "--workers", "1",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            if process.isRunning {
                process.interrupt()
                process.waitUntilExit()
            }
        }

        let line = Self.readLine(from: output.fileHandleForReading)
        let port = line.flatMap { $0.split(separator: ":").last }.flatMap { Int($0.dropLast()) }
        #expect(line?.hasPrefix("http://127.0.0.1:") == true)
        let client = try ServerTestClient(port: try #require(port))
        client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dataDirectory.path, isDirectory: &isDirectory))
        let mode = try FileManager.default.attributesOfItem(atPath: dataDirectory.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func badFlagExitsWithTwoAndWritesNothing() throws {
        let temporary = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let dataDirectory = temporary.appendingPathComponent("data")
        let process = Process()
        process.executableURL = Self.executableURL
        process.arguments = ["--http-port", "not-a-port", "--data-dir", dataDirectory.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 2)
        #expect(output.fileHandleForReading.readDataToEndOfFile().isEmpty)
        #expect(errorText.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory.path))
    }

    /// Reads up to the first newline (the server prints its URL, then nothing until exit).
    static func readLine(from handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
