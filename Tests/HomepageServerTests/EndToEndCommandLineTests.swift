import Foundation
import Glibc
import TestSupport
import Testing

/// The command-line contract: what a script starting the box can rely on.
@Suite struct EndToEndCommandLineTests {
    /// Runs the executable to its exit (it must exit by itself) and returns its status.
    static func runToExit(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let server = try EndToEndServerProcess(arguments: arguments, waitForURL: false)
        server.process.waitUntilExit()
        server.stdout.waitUntilClosed()
        server.stderr.waitUntilClosed()
        return (server.process.terminationStatus, server.stdout.text, server.stderr.text)
    }

    static func expectOneLineError(_ stderr: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
        #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ["--no-such-flag"], ["--http-port", "not-a-port"], ["--http-port", "70000"], ["--log-level", "verbose"],
        ["--workers", "0"], ["--bind", "not-an-address", "--http-port", "0"],
    ])
    func badFlagExitsWithTwoAndOneLineOnStderr(_ flags: [String]) throws {
        let scratch = TemporaryDirectory()
        let result = try Self.runToExit(flags + ["--data-dir", scratch.file("data")])
        #expect(result.status == 2)
        Self.expectOneLineError(result.stderr)
        #expect(result.stdout.isEmpty)
        #expect(scratch.entries().isEmpty)
    }

    @Test func portAlreadyInUseExitsWithTwo() throws {
        let scratch = TemporaryDirectory()
        let holder = try EndToEndPortHolder()
        let result = try Self.runToExit([
            "--sandbox", "--bind", "127.0.0.1", "--http-port", "\(holder.port)", "--data-dir", scratch.file("data"),
            "--workers", "1",
        ])
        #expect(result.status == 2)
        Self.expectOneLineError(result.stderr)
        #expect(result.stderr.contains("\(holder.port)"))
        #expect(!result.stdout.contains("http://"))
        #expect(scratch.entries().isEmpty, "nothing written")
    }

    @Test func unwritableDataDirExitsWithTwoAndWritesNothing() throws {
        let scratch = TemporaryDirectory()
        scratch.write("regular-file", "not a directory\n")
        let result = try Self.runToExit([
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", scratch.file("regular-file/data"),
            "--workers", "1",
        ])
        #expect(result.status == 2)
        Self.expectOneLineError(result.stderr)
        #expect(result.stdout.isEmpty)
        #expect(scratch.entries() == ["regular-file"])
        #expect(scratch.read("regular-file") == "not a directory\n")
    }

    @Test func sigtermStopsTheBoxWithExitZero() throws {
        let box = try EndToEndBox()
        #expect(try box.client.get("/").status == 200)
        #expect(box.server.stop() == 0)
        box.server.stdout.waitUntilClosed()
        #expect(box.server.stdout.lines.count == 1, "only the URL line: \(box.server.stdout.text)")
    }

    @Test func sigintStopsTheBoxWithExitZero() throws {
        let box = try EndToEndBox()
        #expect(try box.client.get("/").status == 200)
        kill(box.server.process.processIdentifier, SIGINT)
        box.server.process.waitUntilExit()
        #expect(box.server.process.terminationReason == .exit)
        #expect(box.server.process.terminationStatus == 0)
    }
}

/// A loopback TCP port held open by the test, so the box finds it taken.
final class EndToEndPortHolder {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw EndToEndBoxError.conditionNotMet(what: "a socket", last: "\(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw EndToEndBoxError.conditionNotMet(what: "a bound port", last: "\(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}
