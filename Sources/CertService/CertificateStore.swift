import Synchronization
import SystemKit

/// A certificate chain and its private key as stored, with the stamps that identify them.
public struct StoredCertificatePair: Sendable, Equatable {
    public var chainPEM: String
    public var keyPEM: String
    /// Changes whenever either file is replaced; lets callers cache what they derive.
    public var version: [CertificateFileStamp]
}

/// Keeps the certificate chain and its key on disk as a pair that is always whole.
///
/// `replace` writes both new files beside the old ones, syncs them, then drops a commit
/// marker before renaming them into place. If the process dies before the marker exists, the
/// old pair is untouched and `recover()` deletes the leftovers; once it exists, `recover()`
/// finishes the renames. So after `recover()` the pair is entirely old or entirely new.
public final class CertificateStore: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let fileSystem: any CertificateFileSystem
    /// Reading both files on every homepage visit would be wasteful: keep the last pair and
    /// re-read only when a stamp changes.
    private let cache = Mutex<StoredCertificatePair?>(nil)
    /// Whether `currentVersion()` asks `watch` before `stat`ing (only the real file system).
    private let watchesChanges: Bool
    private let watch: Mutex<CertificateFileWatch>

    /// - Parameter watchRetryInterval: the shortest time between two attempts to arm the
    ///   change watch of `currentVersion()` while it cannot be armed (or after a change).
    public init(
        certificatePath: String, keyPath: String, fileSystem: any CertificateFileSystem = PosixCertificateFileSystem(),
        watchRetryInterval: Duration = .seconds(1)
    ) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.fileSystem = fileSystem
        watchesChanges = fileSystem.supportsChangeWatch
        watch = Mutex(CertificateFileWatch(paths: [certificatePath, keyPath], retryInterval: watchRetryInterval))
    }

    /// `DATA/tls/cert.pem` and `DATA/tls/key.pem`.
    public convenience init(
        dataDirectory: String, fileSystem: any CertificateFileSystem = PosixCertificateFileSystem(),
        watchRetryInterval: Duration = .seconds(1)
    ) {
        self.init(
            certificatePath: dataDirectory + "/tls/cert.pem", keyPath: dataDirectory + "/tls/key.pem",
            fileSystem: fileSystem, watchRetryInterval: watchRetryInterval)
    }

    var markerPath: String { certificatePath + ".commit" }
    var newCertificatePath: String { certificatePath + ".new" }
    var newKeyPath: String { keyPath + ".new" }

    /// The stamps of the certificate and key files as they are now, without reading them. Nil
    /// when either file is missing or cannot be examined.
    ///
    /// On the real file system an inotify watch (`CertificateFileWatch`) says whether anything
    /// that could change a stamp happened since they were last taken: when nothing did, this
    /// costs one `poll` (the inotify descriptor and the mount table) and no path walk;
    /// otherwise, or for a file the watch cannot vouch for (a symbolic link on its path, a
    /// network or FUSE file system, no watch armed), the files are `stat`ed as before. As fresh
    /// as `stat`: the kernel queues the event inside the call that changes the file. Safe from
    /// any thread: the poll, the `stat`s and what is remembered happen under one lock. Other
    /// file systems (tests' fault-injecting ones): two `stamp` calls every time.
    public func currentVersion() -> [CertificateFileStamp]? {
        guard watchesChanges else { return statVersion() }
        return watch.withLock { $0.currentVersion(using: fileSystem) }
    }

    /// Per file whether the change watch vouches for it now, or why it is `stat`ed each time.
    var watchTrust: [CertificateFileWatch.Trust] { watch.withLock { $0.trust } }

    private func statVersion() -> [CertificateFileStamp]? {
        guard let certificateStamp = try? fileSystem.stamp(certificatePath),
            let keyStamp = try? fileSystem.stamp(keyPath)
        else { return nil }
        return [certificateStamp, keyStamp]
    }

    /// The stored pair, or nil when there is no certificate file. Costs two `stat` calls when
    /// nothing changed since the last read.
    public func read() throws(CertificateError) -> StoredCertificatePair? {
        do {
            guard let certificateStamp = try fileSystem.stamp(certificatePath) else { return nil }
            guard let keyStamp = try fileSystem.stamp(keyPath) else {
                throw CertificateError(
                    .certificateUnreadable,
                    detail: "certificate file \(certificatePath) exists but key file \(keyPath) is missing")
            }
            let version = [certificateStamp, keyStamp]
            if let cached = cache.withLock({ $0 }), cached.version == version { return cached }
            let chain = try fileSystem.read(certificatePath)
            let key = try fileSystem.read(keyPath)
            guard let chainPEM = String(validating: chain, as: UTF8.self) else {
                throw CertificateError(
                    .certificateUnreadable, detail: "certificate file \(certificatePath) is not PEM text")
            }
            guard let keyPEM = String(validating: key, as: UTF8.self) else {
                throw CertificateError(.certificateUnreadable, detail: "key file \(keyPath) is not PEM text")
            }
            let pair = StoredCertificatePair(chainPEM: chainPEM, keyPEM: keyPEM, version: version)
            cache.withLock { $0 = pair }
            return pair
        } catch let error as CertificateError {
            throw error
        } catch {
            throw CertificateError(.certificateUnreadable, detail: "cannot read: \(error)")
        }
    }

    /// Replaces both files so that they end as the old pair or the new pair, never a mix.
    /// On failure the old pair stays whole and the error is `ERR_IOT_HTTPS_STORE_EXCEPTION`.
    public func replace(chainPEM: String, keyPEM: String) throws(CertificateError) {
        do {
            try recover()
            try fileSystem.createDirectories(directory(of: certificatePath), mode: 0o700)
            try fileSystem.createDirectories(directory(of: keyPath), mode: 0o700)
        } catch {
            throw CertificateError(.storeFailed, detail: "cannot prepare the certificate directory: \(error)")
        }
        do {
            try fileSystem.writeDurably(newKeyPath, Array(keyPEM.utf8), mode: 0o600)
            try fileSystem.writeDurably(newCertificatePath, Array(chainPEM.utf8), mode: 0o644)
            try syncDirectories()
            try fileSystem.writeDurably(markerPath, [], mode: 0o600)
            try fileSystem.syncDirectory(directory(of: markerPath))
        } catch {
            // Not committed: the old pair was never touched, only the new files need to go.
            try? fileSystem.remove(markerPath)
            try? fileSystem.remove(newKeyPath)
            try? fileSystem.remove(newCertificatePath)
            throw CertificateError(.storeFailed, detail: "cannot write the new certificate: \(error)")
        }
        do {
            try rollForward()
        } catch {
            // Committed: the next `recover()` (every `replace` and every start) finishes it.
            throw CertificateError(.storeFailed, detail: "cannot install the new certificate: \(error)")
        }
    }

    /// Finishes or undoes a replacement cut short by a crash. Call once on start.
    public func recover() throws(FileError) {
        if try fileSystem.stamp(markerPath) != nil {
            try rollForward()
        } else {
            try fileSystem.remove(newKeyPath)
            try fileSystem.remove(newCertificatePath)
        }
    }

    private func rollForward() throws(FileError) {
        if try fileSystem.stamp(newKeyPath) != nil { try fileSystem.rename(newKeyPath, to: keyPath) }
        if try fileSystem.stamp(newCertificatePath) != nil {
            try fileSystem.rename(newCertificatePath, to: certificatePath)
        }
        try syncDirectories()
        try fileSystem.remove(markerPath)
        try fileSystem.syncDirectory(directory(of: markerPath))
    }

    private func syncDirectories() throws(FileError) {
        let certificateDirectory = directory(of: certificatePath)
        let keyDirectory = directory(of: keyPath)
        try fileSystem.syncDirectory(certificateDirectory)
        if keyDirectory != certificateDirectory { try fileSystem.syncDirectory(keyDirectory) }
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
