import Foundation
import HTTPCore
import Sandbox

/// Certificates, temp directories and child processes shared by the TLS, X.509 and client tests.
enum TLSTestSupport {
    static let oneDay: TimeInterval = 86_400

    /// A CA valid from yesterday for a year.
    static func makeCA(_ name: String = "Test CA") -> CertificateAuthority {
        let now = Date()
        return CertificateAuthority.create(
            commonName: name, validity: now.addingTimeInterval(-oneDay)...now.addingTimeInterval(365 * oneDay))
    }

    /// A server certificate and key from `ca`, for `names` (the first is the CN).
    static func makeLeaf(
        _ ca: CertificateAuthority, names: [String] = ["localhost"], notBefore: Date? = nil, notAfter: Date? = nil
    ) throws -> (certificate: X509Certificate, key: PrivateKey) {
        let key = PrivateKey.generateECP256()
        let certificate = try ca.issue(
            commonName: names[0], dnsNames: names, notBefore: notBefore ?? Date().addingTimeInterval(-oneDay),
            notAfter: notAfter ?? Date().addingTimeInterval(30 * oneDay), key: key)
        return (certificate, key)
    }

    /// A fresh private directory, removed by `body`'s end.
    static func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tls-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    struct ProcessOutput {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs a program to completion with empty standard input and returns what it printed.
    static func run(_ executable: String, _ arguments: [String]) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardInput = FileHandle.nullDevice
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        // Read both pipes before waiting, on separate threads, so a chatty child cannot block on a full pipe.
        let errorData = LockedData()
        let errorReader = DispatchGroup()
        DispatchQueue.global().async(group: errorReader) {
            errorData.set(errorPipe.fileHandleForReading.readDataToEndOfFile())
        }
        let output = outputPipe.fileHandleForReading.readDataToEndOfFile()
        errorReader.wait()
        process.waitUntilExit()
        return ProcessOutput(
            status: process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errorData.value, as: UTF8.self))
    }
}

/// A Data slot written by one thread and read by another.
private final class LockedData: @unchecked Sendable {
    // Safe: every access goes through `lock`.
    private let lock = NSLock()
    private var data: Data?

    func set(_ newValue: Data) { lock.withLock { data = newValue } }
    var value: Data { lock.withLock { data ?? Data() } }
}
