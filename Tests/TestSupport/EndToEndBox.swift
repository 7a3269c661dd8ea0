import Foundation
import Glibc
import HTTPCore
import Synchronization

/// What can go wrong while driving a running box from a test.
public enum EndToEndBoxError: Error, CustomStringConvertible {
    case exitedEarly(status: Int32, stderr: String)
    case noSuchLine(what: String, output: String)
    case conditionNotMet(what: String, last: String)
    case noCSRFToken
    case notJSON(String)

    public var description: String {
        switch self {
        case .exitedEarly(let status, let stderr): "the box exited with \(status): \(stderr)"
        case .noSuchLine(let what, let output): "no \(what) line on stdout; got: \(output)"
        case .conditionNotMet(let what, let last): "gave up waiting for \(what); last seen: \(last)"
        case .noCSRFToken: "the settings page has no csrf_token field"
        case .notJSON(let text): "not a JSON object: \(text)"
        }
    }
}

/// Executables of this package, which sit beside the test bundle in the build directory.
public enum BuiltExecutable {
    /// The path of the built `name` (`homepage-server` by default).
    public static func path(_ name: String = "homepage-server") -> String {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent(name).path
    }
}

/// Everything a child process wrote to one pipe, collected by its own thread so the child
/// never blocks on a full pipe and the test can wait for a line without a read timeout.
public final class EndToEndOutputCollector: Sendable {
    private let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))

    public init(reading handle: FileHandle) {
        let descriptor = handle.fileDescriptor
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                state.withLock { $0.bytes += chunk[0..<count] }
            }
            state.withLock { $0.closed = true }
        }
    }

    public var text: String { String(decoding: state.withLock { $0.bytes }, as: UTF8.self) }
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Complete lines so far.
    public var lines: [String] {
        let text = self.text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // what follows the last newline is not a complete line yet
        return lines
    }

    /// Waits until the output closes, for a child that is expected to exit by itself.
    public func waitUntilClosed(timeout: Duration = .seconds(20)) {
        let deadline = ContinuousClock.now + timeout
        while !isClosed && ContinuousClock.now < deadline { usleep(10_000) }
    }
}

/// One `homepage-server` process. Stopped with SIGTERM (then waited for) at the latest when
/// the object goes away, so no test leaves a process behind, even when an expectation throws.
public final class EndToEndServerProcess {
    public let process = Process()
    public let stdout: EndToEndOutputCollector
    public let stderr: EndToEndOutputCollector
    /// The plain HTTP port the box printed.
    public private(set) var httpPort = 0

    /// Starts the executable with `arguments` and returns once it printed its HTTP URL line.
    /// `launcher`, when given, runs the box (`["/usr/sbin/ip", "netns", "exec", "NAME"]`).
    public init(arguments: [String], waitForURL: Bool = true, launcher: [String] = []) throws {
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [BuiltExecutable.path()] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: BuiltExecutable.path())
            process.arguments = arguments
        }
        // A proxy from the environment must not change how the box reaches its own sandbox.
        var environment = ProcessInfo.processInfo.environment
        for name in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"] { environment[name] = nil }
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The parent's copies of the write ends must go, or the collectors never see end of file.
        try? output.fileHandleForWriting.close()
        try? errors.fileHandleForWriting.close()
        stdout = EndToEndOutputCollector(reading: output.fileHandleForReading)
        stderr = EndToEndOutputCollector(reading: errors.fileHandleForReading)
        guard waitForURL else { return }
        do {
            let line = try waitForLine(what: "http URL") { $0.hasPrefix("http://") }
            guard let port = Self.port(inURL: line) else {
                throw EndToEndBoxError.noSuchLine(what: "http URL", output: stdout.text)
            }
            httpPort = port
        } catch {
            stop()
            throw error
        }
    }

    /// The first stdout line matching `predicate`, waiting up to `timeout` for it.
    public func waitForLine(what: String, timeout: Duration = .seconds(30), _ predicate: (String) -> Bool) throws
        -> String
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdout.lines.first(where: predicate) { return line }
            if !process.isRunning {
                stderr.waitUntilClosed(timeout: .seconds(2))
                throw EndToEndBoxError.exitedEarly(status: process.terminationStatus, stderr: stderr.text)
            }
            usleep(10_000)
        }
        throw EndToEndBoxError.noSuchLine(what: what, output: stdout.text)
    }

    /// SIGTERM, then waits for the exit; returns the exit status (nil when killed by a signal).
    /// A box that ignores SIGTERM is killed after `grace`, so a broken build cannot hang the run.
    @discardableResult
    public
        func stop(grace: Duration = .seconds(15)) -> Int32?
    {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    deinit {
        stop()
    }

    /// `4711` from `http://127.0.0.1:4711/`.
    public static func port(inURL line: String) -> Int? {
        guard let colon = line.lastIndex(of: ":") else { return nil }
        return Int(line[line.index(after: colon)...].prefix { $0.isNumber })
    }
}

/// A sandbox box on loopback with its own temporary data dir, restartable on the same data.
public final class EndToEndBox {
    public let scratch = TemporaryDirectory(prefix: "homepage-box")
    public var dataDirectory: String { scratch.file("data") }
    public private(set) var server: EndToEndServerProcess
    private let extraArguments: [String]

    /// `odooConf`, when given, is written to the data dir before the first start.
    public init(odooConf: String? = nil, extraArguments: [String] = []) throws {
        self.extraArguments = extraArguments
        if let odooConf {
            mkdir(scratch.file("data"), 0o700)
            scratch.write("data/odoo.conf", odooConf)
        }
        server = try EndToEndServerProcess(arguments: Self.arguments(data: scratch.file("data"), extra: extraArguments))
    }

    public static func arguments(data: String, extra: [String]) -> [String] {
        [
            "--sandbox", "--bind", "127.0.0.1", "--http-port", "0", "--https-port", "0", "--data-dir", data,
            "--workers", "1",
        ] + extra
    }

    /// The box's session cookie, kept across clients (and restarts) as one browser keeps it.
    public let sessionCookie = SessionCookieJar()

    public var client: EndToEndClient {
        EndToEndClient(port: server.httpPort, caFile: dataDirectory + "/sandbox/ca.pem", sessionCookie: sessionCookie)
    }

    /// Stops the box with SIGTERM and starts it again on the same data dir.
    public func restart() throws {
        server.stop()
        server = try EndToEndServerProcess(arguments: Self.arguments(data: dataDirectory, extra: extraArguments))
    }

    /// `odoo.conf` exactly as it is on disk, or nil when there is none.
    public var odooConfBytes: [UInt8]? {
        guard let data = FileManager.default.contents(atPath: dataDirectory + "/odoo.conf") else { return nil }
        return Array(data)
    }

    public var odooConfText: String { odooConfBytes.map { String(decoding: $0, as: UTF8.self) } ?? "" }

    /// Polls `/status.json` until `condition` holds, for state the box reaches on its own thread.
    @discardableResult
    public
        func waitForStatus(
            _ what: String, timeout: Duration = .seconds(30), _ condition: ([String: Any]) -> Bool
        ) throws -> [String: Any]
    {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try client.status()
            if condition(last) { return last }
            usleep(100_000)
        }
        throw EndToEndBoxError.conditionNotMet(what: what, last: "\(last)")
    }
}

extension [String: Any] {
    /// `status["certificate"]["state"]` and the like, for nested JSON objects.
    public func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    public func string(_ key: String) -> String? { self[key] as? String }
}
