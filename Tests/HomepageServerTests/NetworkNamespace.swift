import Foundation
import Glibc
import TestSupport

/// A network namespace this test makes and removes: a veth pair inside it (a dummy interface
/// where the kernel has no veth), addresses in a private range that exist only there, and the
/// namespace's own `resolv.conf` (`ip netns exec` mounts `/etc/netns/NAME/resolv.conf`).
/// Needs root; the tests that use it are skipped otherwise.
final class NetworkNamespace {
    static var isAvailable: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") }
    static let skipMessage = "needs root (network namespaces) and iproute2; CI runs the suite as root"

    let name: String
    /// The interface holding the box's address.
    let interface = "lan0"

    enum Failure: Error, CustomStringConvertible {
        case command(String, status: Int32, output: String)
        var description: String {
            switch self {
            case .command(let line, let status, let output): "`\(line)` exited \(status): \(output)"
            }
        }
    }

    init(address: String) throws {
        name = "hbox-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        try Self.run(["ip", "netns", "add", name])
        do {
            try ip(["link", "set", "lo", "up"])
            if (try? ip(["link", "add", interface, "type", "veth", "peer", "name", "lan0-peer"])) != nil {
                try ip(["link", "set", "lan0-peer", "up"])
            } else {
                try ip(["link", "add", interface, "type", "dummy"])
            }
            try ip(["link", "set", interface, "up"])
            try ip(["addr", "add", address + "/24", "dev", interface])
        } catch {
            remove()
            throw error
        }
    }

    /// `ip -n NAME …`.
    @discardableResult
    func ip(_ arguments: [String]) throws -> String {
        try Self.run(["ip", "-n", name] + arguments)
    }

    /// Runs `command` inside the namespace and returns its stdout.
    @discardableResult
    func exec(_ command: [String]) throws -> String {
        try Self.run(["ip", "netns", "exec", name] + command)
    }

    var launcher: [String] { ["/usr/sbin/ip", "netns", "exec", name] }

    /// Points the namespace's resolver at `nameserver`.
    func setResolver(_ nameserver: String) throws {
        let directory = "/etc/netns/\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "nameserver \(nameserver)\noptions timeout:1 attempts:1\n".write(
            toFile: directory + "/resolv.conf", atomically: true, encoding: .utf8)
    }

    /// An HTTP GET from inside the namespace: (status, body).
    func get(_ url: String, host: String? = nil) throws -> (status: Int, body: String) {
        var command = ["curl", "-s", "--noproxy", "*", "-m", "5", "-w", "\n%{http_code}"]
        if let host { command += ["-H", "Host: \(host)"] }
        let output = try exec(command + [url])
        let status = Int(output.split(separator: "\n").last ?? "") ?? 0
        return (status, String(output[..<(output.lastIndex(of: "\n") ?? output.endIndex)]))
    }

    func remove() {
        _ = try? Self.run(["ip", "netns", "del", name])
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
    }

    deinit { remove() }

    @discardableResult
    static func run(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // The parent's copy of the write end must go, or reading never sees end of file.
        try? output.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure.command(command.joined(separator: " "), status: process.terminationStatus, output: text)
        }
        return text
    }
}
