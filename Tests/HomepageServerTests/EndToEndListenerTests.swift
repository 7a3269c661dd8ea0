import Foundation
import Glibc
import TestSupport
import Testing

@testable import HomepageServer

/// Issue 10 on a running box: several HTTP ports, what is printed on start, one process per
/// data dir, and the version.
@Suite struct EndToEndListenerTests {
    @Test func everyHTTPPortIsPrintedAndServes() throws {
        let scratch = TemporaryDirectory()
        let server = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0,0", "--https-port", "0", "--data-dir", scratch.file("data"),
            "--workers", "2",
        ])
        let lines = try Self.waitForLines(server, count: 2)
        #expect(lines.allSatisfy { $0.wholeMatch(of: /http:\/\/127\.0\.0\.1:\d+\//) != nil }, "\(lines)")
        let ports = lines.compactMap(EndToEndServerProcess.port(inURL:))
        #expect(Set(ports).count == 2)
        for port in ports {
            let client = EndToEndClient(port: port, caFile: "")
            #expect(try client.get("/").status == 200)
        }
    }

    @Test func secondInstanceOnTheSameDataDirExitsWithTwoAndTouchesNothing() throws {
        let scratch = TemporaryDirectory()
        let first = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", scratch.file("data"), "--workers", "2",
        ])
        // The first is frozen while the second runs, so any change to the data dir is the
        // second's: a running box writes there on its own (its log, its daily check time).
        let firstPID = first.process.processIdentifier
        kill(firstPID, SIGSTOP)
        defer { kill(firstPID, SIGCONT) }
        try Self.waitUntilStopped(firstPID)
        let before = Self.snapshot(scratch.file("data"))
        #expect(before[DataDirectoryLock.fileName] == "\(firstPID)\n")

        // The second asks for a port of its own: were it to start, it would open it.
        let result = try EndToEndCommandLineTests.runToExit([
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", scratch.file("data"), "--workers", "2",
        ])
        #expect(result.status == 2)
        EndToEndCommandLineTests.expectOneLineError(result.stderr)
        #expect(result.stderr.contains("data dir in use by pid \(first.process.processIdentifier)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(Self.snapshot(scratch.file("data")) == before, "the second instance changed nothing")

        // The first serves on, and the next start after it stopped takes the data dir over.
        kill(firstPID, SIGCONT)
        let client = EndToEndClient(port: first.httpPort, caFile: "")
        #expect(try client.get("/").status == 200)
        #expect(first.stop() == 0)
        let next = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", scratch.file("data"), "--workers", "1",
        ])
        #expect(try EndToEndClient(port: next.httpPort, caFile: "").get("/").status == 200)
        #expect(scratch.read("data/" + DataDirectoryLock.fileName) == "\(next.process.processIdentifier)\n")
    }

    @Test func aKilledOwnerLeavesNoLockBehind() throws {
        let scratch = TemporaryDirectory()
        let first = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", scratch.file("data"), "--workers", "1",
        ])
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        let next = try EndToEndServerProcess(arguments: [
            "--bind", "127.0.0.1", "--http-port", "0", "--data-dir", scratch.file("data"), "--workers", "1",
        ])
        #expect(try EndToEndClient(port: next.httpPort, caFile: "").get("/").status == 200)
    }

    @Test func versionIsTheProductVersion() throws {
        let result = try EndToEndCommandLineTests.runToExit(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == MachineInfo.version + "\n")
    }

    @Test(arguments: [
        ["--http-port", "8069,8069"], ["--http-port", "80,"], ["--http-port", "8443"], ["--http-port", ""],
    ])
    func badPortListExitsWithTwo(_ flags: [String]) throws {
        let scratch = TemporaryDirectory()
        let result = try EndToEndCommandLineTests.runToExit(flags + ["--data-dir", scratch.file("data")])
        #expect(result.status == 2)
        EndToEndCommandLineTests.expectOneLineError(result.stderr)
        #expect(scratch.entries().isEmpty)
    }

    /// Waits until `pid` is stopped by a signal (state `T` in /proc).
    static func waitUntilStopped(_ pid: Int32) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            // The state follows the command name, which is in parentheses.
            if let close = stat.lastIndex(of: ")"), stat[close...].dropFirst(2).first == "T" { return }
            usleep(1_000)
        }
        throw EndToEndBoxError.conditionNotMet(what: "process \(pid) stopped", last: "")
    }

    static func waitForLines(_ server: EndToEndServerProcess, count: Int) throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let lines = server.stdout.lines
            if lines.count >= count { return lines }
            usleep(10_000)
        }
        throw EndToEndBoxError.noSuchLine(what: "\(count) URL lines", output: server.stdout.text)
    }

    /// Every regular file under `root` (relative name → content), and each directory's mode
    /// and modification time, so a write anywhere shows.
    static func snapshot(_ root: String) -> [String: String] {
        var result: [String: String] = [:]
        let manager = FileManager.default
        guard let names = manager.enumerator(atPath: root) else { return result }
        for case let name as String in names {
            let path = root + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFREG {
                result[name] = String(decoding: manager.contents(atPath: path) ?? Data(), as: UTF8.self)
            } else {
                result[name] = "dir \(info.st_mode) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            }
        }
        var info = stat()
        lstat(root, &info)
        result["."] = "dir \(info.st_mode) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        return result
    }
}
