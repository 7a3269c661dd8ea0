import Foundation
import Synchronization
import SystemKit
import TestSupport
import Testing

@testable import CertService

/// Passes operations through until its budget is spent, then behaves like a dead process:
/// the operation that hits the limit is torn (a write leaves half its bytes) and every later
/// one has no effect.
private final class CrashingFileSystem: CertificateFileSystem {
    struct Crashed: Error {}
    private let base = PosixCertificateFileSystem()
    private let remaining: Mutex<Int>
    private let performed = Mutex(0)

    init(operationsBeforeCrash: Int) { remaining = Mutex(operationsBeforeCrash) }

    var operationCount: Int { performed.withLock { $0 } }

    private enum Fate { case run, crashNow, dead }

    /// Whether the operation runs, is the one the crash cuts short, or comes after it.
    private func fate() -> Fate {
        remaining.withLock { budget in
            if budget < 0 { return .dead }
            if budget == 0 {
                budget = -1
                return .crashNow
            }
            budget -= 1
            performed.withLock { $0 += 1 }
            return .run
        }
    }

    private func proceed() -> Bool { fate() == .run }

    private func crash(_ path: String) -> FileError {
        FileError(operation: "crashed", path: path, code: EIO)
    }

    func stamp(_ path: String) throws(FileError) -> CertificateFileStamp? {
        guard proceed() else { throw crash(path) }
        return try base.stamp(path)
    }
    func read(_ path: String) throws(FileError) -> [UInt8] {
        guard proceed() else { throw crash(path) }
        return try base.read(path)
    }
    func writeDurably(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(FileError) {
        switch fate() {
        case .run: break
        case .crashNow:
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes.prefix(bytes.count / 2)))
            throw crash(path)
        case .dead: throw crash(path)
        }
        try base.writeDurably(path, bytes, mode: mode)
    }
    func rename(_ from: String, to: String) throws(FileError) {
        guard proceed() else { throw crash(from) }
        try base.rename(from, to: to)
    }
    func remove(_ path: String) throws(FileError) {
        guard proceed() else { throw crash(path) }
        try base.remove(path)
    }
    func syncDirectory(_ directory: String) throws(FileError) {
        guard proceed() else { throw crash(directory) }
        try base.syncDirectory(directory)
    }
    func createDirectories(_ directory: String, mode: UInt32) throws(FileError) {
        guard proceed() else { throw crash(directory) }
        try base.createDirectories(directory, mode: mode)
    }
}

/// Fails every durable write, as a full disk or a read-only mount would.
private struct FailingWriterFileSystem: CertificateFileSystem {
    let base = PosixCertificateFileSystem()
    func stamp(_ path: String) throws(FileError) -> CertificateFileStamp? { try base.stamp(path) }
    func read(_ path: String) throws(FileError) -> [UInt8] { try base.read(path) }
    func writeDurably(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(FileError) {
        throw FileError(operation: "write", path: path, code: ENOSPC)
    }
    func rename(_ from: String, to: String) throws(FileError) { try base.rename(from, to: to) }
    func remove(_ path: String) throws(FileError) { try base.remove(path) }
    func syncDirectory(_ directory: String) throws(FileError) { try base.syncDirectory(directory) }
    func createDirectories(_ directory: String, mode: UInt32) throws(FileError) {
        try base.createDirectories(directory, mode: mode)
    }
}

@Suite struct CertificateStoreTests {
    let oldChain = "-----OLD CHAIN-----\n" + String(repeating: "a", count: 300)
    let oldKey = "-----OLD KEY-----\n" + String(repeating: "b", count: 300)
    let newChain = "-----NEW CHAIN-----\n" + String(repeating: "c", count: 300)
    let newKey = "-----NEW KEY-----\n" + String(repeating: "d", count: 300)

    @Test func missingCertificateReadsAsNil() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        #expect(try CertificateStore(dataDirectory: directory.path).read() == nil)
    }

    @Test func replaceCreatesPrivateDirectoryAndModes() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        let store = CertificateStore(dataDirectory: directory.path)
        try store.replace(chainPEM: newChain, keyPEM: newKey)
        #expect(directory.mode(of: "tls") == 0o700)
        #expect(directory.mode(of: "tls/key.pem") == 0o600)
        #expect(directory.mode(of: "tls/cert.pem") == 0o644)
        let pair = try #require(try store.read())
        #expect(pair.chainPEM == newChain && pair.keyPEM == newKey)
        #expect(!FileManager.default.fileExists(atPath: store.markerPath))
    }

    @Test func unchangedFilesAreServedFromCacheAndReplacedOnesReRead() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        let store = CertificateStore(dataDirectory: directory.path)
        try store.replace(chainPEM: oldChain, keyPEM: oldKey)
        let first = try #require(try store.read())
        #expect(try store.read() == first)
        try store.replace(chainPEM: newChain, keyPEM: newKey)
        let second = try #require(try store.read())
        #expect(second.chainPEM == newChain)
        #expect(second.version != first.version)
    }

    @Test func certificateWithoutKeyIsAReadError() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        directory.write("cert.pem", oldChain)
        let store = CertificateStore(
            certificatePath: directory.path + "/cert.pem", keyPath: directory.path + "/key.pem")
        #expect(throws: CertificateError.self) { try store.read() }
        #expect(directory.read("cert.pem") == oldChain)
    }

    @Test func unreadableCertificateIsCertReadException() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        try FileManager.default.createDirectory(
            atPath: directory.path + "/cert.pem", withIntermediateDirectories: false)
        directory.write("key.pem", oldKey)
        let store = CertificateStore(
            certificatePath: directory.path + "/cert.pem", keyPath: directory.path + "/key.pem")
        do {
            _ = try store.read()
            Issue.record("reading a directory as a certificate succeeded")
        } catch {
            #expect(error.code == .checkCertReadException)
        }
    }

    @Test func failedWriteKeepsOldPairAndLeavesNoTemporaryFiles() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        try CertificateStore(dataDirectory: directory.path).replace(chainPEM: oldChain, keyPEM: oldKey)
        let store = CertificateStore(
            certificatePath: directory.path + "/tls/cert.pem", keyPath: directory.path + "/tls/key.pem",
            fileSystem: FailingWriterFileSystem())
        do {
            try store.replace(chainPEM: newChain, keyPEM: newKey)
            Issue.record("replace succeeded on a failing disk")
        } catch {
            #expect(error.code == .storeException)
            #expect(error.detail.contains("No space left"))
        }
        #expect(directory.read("tls/cert.pem") == oldChain)
        #expect(directory.read("tls/key.pem") == oldKey)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/tls")
        #expect(Set(leftovers) == ["cert.pem", "key.pem"])
    }

    @Test func directoryUnderARegularFileIsStoreException() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        directory.write("plain", "not a directory")
        let store = CertificateStore(dataDirectory: directory.path + "/plain")
        do {
            try store.replace(chainPEM: newChain, keyPEM: newKey)
            Issue.record("replace succeeded under a regular file")
        } catch {
            #expect(error.code == .storeException)
        }
    }

    @Test func crashAtEveryStepLeavesOldOrNewPairAfterRecovery() throws {
        let probe = TemporaryDirectory(prefix: "cert-tests")
        defer { probe.remove() }
        try CertificateStore(dataDirectory: probe.path).replace(chainPEM: oldChain, keyPEM: oldKey)
        let counting = CrashingFileSystem(operationsBeforeCrash: .max)
        try CertificateStore(
            certificatePath: probe.path + "/tls/cert.pem", keyPath: probe.path + "/tls/key.pem", fileSystem: counting
        ).replace(chainPEM: newChain, keyPEM: newKey)
        let totalSteps = counting.operationCount
        #expect(totalSteps > 8)

        var outcomes: Set<String> = []
        for crashPoint in 0...totalSteps {
            let directory = TemporaryDirectory(prefix: "cert-tests")
            defer { directory.remove() }
            let certificatePath = directory.path + "/tls/cert.pem"
            let keyPath = directory.path + "/tls/key.pem"
            try CertificateStore(certificatePath: certificatePath, keyPath: keyPath)
                .replace(chainPEM: oldChain, keyPEM: oldKey)
            let crashing = CrashingFileSystem(operationsBeforeCrash: crashPoint)
            try? CertificateStore(certificatePath: certificatePath, keyPath: keyPath, fileSystem: crashing)
                .replace(chainPEM: newChain, keyPEM: newKey)

            let restarted = CertificateStore(certificatePath: certificatePath, keyPath: keyPath)
            try restarted.recover()
            let pair = try #require(try restarted.read())
            let isOld = pair.chainPEM == oldChain && pair.keyPEM == oldKey
            let isNew = pair.chainPEM == newChain && pair.keyPEM == newKey
            #expect(isOld || isNew, "crash after \(crashPoint) steps left a mixed or torn pair")
            if crashPoint == totalSteps { #expect(isNew) }
            outcomes.insert(isNew ? "new" : "old")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/tls")
            #expect(Set(leftovers) == ["cert.pem", "key.pem"], "after crash point \(crashPoint)")
        }
        #expect(outcomes == ["old", "new"])
    }
}
