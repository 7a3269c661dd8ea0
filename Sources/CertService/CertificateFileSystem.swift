import Glibc
import SystemKit

/// Identifies one version of a file cheaply: if none of these changed, its content did not
/// either (for files only this process replaces by rename).
public struct CertificateFileStamp: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanoseconds: Int64
}

/// The few file operations the certificate store needs. A seam so tests can fail or "crash"
/// at any single step and prove the store's recovery.
public protocol CertificateFileSystem: Sendable {
    /// Nil when nothing exists at `path`.
    func stamp(_ path: String) throws(FileError) -> CertificateFileStamp?
    func read(_ path: String) throws(FileError) -> [UInt8]
    /// Creates or truncates `path` with `mode`, writes `bytes` and syncs them to the disk.
    func writeDurably(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(FileError)
    func rename(_ from: String, to: String) throws(FileError)
    /// Succeeds when the file is already gone.
    func remove(_ path: String) throws(FileError)
    /// Makes renames and creations inside `directory` durable.
    func syncDirectory(_ directory: String) throws(FileError)
    /// Creates `directory` and missing parents with `mode`; existing ones are left as they are.
    func createDirectories(_ directory: String, mode: UInt32) throws(FileError)
    /// Whether these are the kernel's own files, so that an inotify watch sees every change
    /// to them and `CertificateStore.currentVersion()` may learn from one that nothing
    /// changed instead of calling `stamp`. False by default: a file system that fakes or
    /// fails operations is asked for every stamp.
    var supportsChangeWatch: Bool { get }
}

extension CertificateFileSystem {
    public var supportsChangeWatch: Bool { false }
}

/// The real file system: SystemKit's calls, plus `stat` stamps, `rename` and `unlink`.
public struct PosixCertificateFileSystem: CertificateFileSystem {
    public init() {}

    public var supportsChangeWatch: Bool { true }

    public func stamp(_ path: String) throws(FileError) -> CertificateFileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw FileError(operation: "stat", path: path, code: errno)
        }
        return CertificateFileStamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    public func read(_ path: String) throws(FileError) -> [UInt8] {
        try FileSystem.read(path)
    }

    public func writeDurably(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(FileError) {
        try FileSystem.writeAndSync(bytes, to: path, mode: mode_t(mode))
    }

    public func rename(_ from: String, to: String) throws(FileError) {
        guard Glibc.rename(from, to) == 0 else {
            throw FileError(operation: "rename to \(to)", path: from, code: errno)
        }
    }

    public func remove(_ path: String) throws(FileError) {
        // ENOTDIR: a parent is a regular file, so nothing can exist at `path` (as `stamp` says).
        guard unlink(path) == 0 || errno == ENOENT || errno == ENOTDIR else {
            throw FileError(operation: "remove", path: path, code: errno)
        }
    }

    public func syncDirectory(_ directory: String) throws(FileError) {
        try FileSystem.syncDirectory(directory)
    }

    public func createDirectories(_ directory: String, mode: UInt32) throws(FileError) {
        try FileSystem.createDirectories(directory, mode: mode_t(mode))
    }
}
