import Glibc

/// Identifies one version of a file cheaply: if none of these changed, its content did not
/// either (for files only this process replaces by rename).
public struct CertificateFileStamp: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanoseconds: Int64
}

/// Why a file operation failed; `description` names the operation, path and errno text.
public struct CertificateFileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errorNumber: Int32

    public init(operation: String, path: String, errorNumber: Int32) {
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
    }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errorNumber)))"
    }
}

/// The few file operations the certificate store needs. A seam so tests can fail or "crash"
/// at any single step and prove the store's recovery.
public protocol CertificateFileSystem: Sendable {
    /// Nil when nothing exists at `path`.
    func stamp(_ path: String) throws(CertificateFileSystemError) -> CertificateFileStamp?
    func read(_ path: String) throws(CertificateFileSystemError) -> [UInt8]
    /// Creates or truncates `path` with `mode`, writes `bytes` and syncs them to the disk.
    func writeDurably(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(CertificateFileSystemError)
    func rename(_ from: String, to: String) throws(CertificateFileSystemError)
    /// Succeeds when the file is already gone.
    func remove(_ path: String) throws(CertificateFileSystemError)
    /// Makes renames and creations inside `directory` durable.
    func syncDirectory(_ directory: String) throws(CertificateFileSystemError)
    /// Creates `directory` and missing parents with `mode`; existing ones are left as they are.
    func createDirectories(_ directory: String, mode: UInt32) throws(CertificateFileSystemError)
}

/// The real file system, through POSIX calls so that `fsync` happens where it must.
public struct PosixCertificateFileSystem: CertificateFileSystem {
    public init() {}

    public func stamp(_ path: String) throws(CertificateFileSystemError) -> CertificateFileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw CertificateFileSystemError(operation: "stat", path: path, errorNumber: errno)
        }
        return CertificateFileStamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    public func read(_ path: String) throws(CertificateFileSystemError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CertificateFileSystemError(operation: "open", path: path, errorNumber: errno)
        }
        defer { close(descriptor) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return content }
            if count < 0 {
                if errno == EINTR { continue }
                throw CertificateFileSystemError(operation: "read", path: path, errorNumber: errno)
            }
            content.append(contentsOf: chunk[0..<count])
        }
    }

    public func writeDurably(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(CertificateFileSystemError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else {
            throw CertificateFileSystemError(operation: "create", path: path, errorNumber: errno)
        }
        defer { close(descriptor) }
        // The umask may have narrowed the mode at creation, and an existing file keeps its own.
        guard fchmod(descriptor, mode_t(mode)) == 0 else {
            throw CertificateFileSystemError(operation: "chmod", path: path, errorNumber: errno)
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CertificateFileSystemError(operation: "write", path: path, errorNumber: errno)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            throw CertificateFileSystemError(operation: "fsync", path: path, errorNumber: errno)
        }
    }

    public func rename(_ from: String, to: String) throws(CertificateFileSystemError) {
        guard Glibc.rename(from, to) == 0 else {
            throw CertificateFileSystemError(operation: "rename to \(to)", path: from, errorNumber: errno)
        }
    }

    public func remove(_ path: String) throws(CertificateFileSystemError) {
        // ENOTDIR: a parent is a regular file, so nothing can exist at `path` (as `stamp` says).
        guard unlink(path) == 0 || errno == ENOENT || errno == ENOTDIR else {
            throw CertificateFileSystemError(operation: "remove", path: path, errorNumber: errno)
        }
    }

    public func syncDirectory(_ directory: String) throws(CertificateFileSystemError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CertificateFileSystemError(operation: "open", path: directory, errorNumber: errno)
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw CertificateFileSystemError(operation: "fsync", path: directory, errorNumber: errno)
        }
    }

    public func createDirectories(_ directory: String, mode: UInt32) throws(CertificateFileSystemError) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode_t(mode)) != 0 && errno != EEXIST {
                throw CertificateFileSystemError(operation: "mkdir", path: prefix, errorNumber: errno)
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw CertificateFileSystemError(operation: "stat", path: directory, errorNumber: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CertificateFileSystemError(operation: "mkdir", path: directory, errorNumber: ENOTDIR)
        }
    }
}
