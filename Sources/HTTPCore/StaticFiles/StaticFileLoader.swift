#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One file as served: its bytes, its gzip form when worth having, and its validators.
struct CachedStaticFile: Sendable {
    var size: Int
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int
    var content: [UInt8]
    var gzipped: [UInt8]?
    var mediaType: StaticFileMediaType
    var etag: String
    var gzipETag: String
    var lastModified: String
    /// Monotonic time of the last stat, to revalidate at most once per interval.
    var checkedAt: Double
}

/// File system access for static files: resolving, stat-ing and reading whole files.
enum StaticFileLoader {
    /// Why a file is not served; each ends in a 404.
    enum Failure: Error, Equatable {
        case missing
        case outsideRoot
        case notRegularFile
        case tooLarge
        case unreadable
    }

    struct Identity: Equatable {
        var size: Int
        var seconds: Int
        var nanoseconds: Int
    }

    /// The real path of `root/relative`, which must lie inside `root` (itself a real path)
    /// after every symlink is followed.
    static func resolve(root: String, relative: String) throws(Failure) -> String {
        guard let resolved = realPath(root + "/" + relative) else { throw .missing }
        guard resolved.hasPrefix(root + "/") else { throw .outsideRoot }
        return resolved
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func identity(of path: String, maxSize: Int) throws(Failure) -> Identity {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .missing }
        return try identity(info, maxSize: maxSize)
    }

    private static func identity(_ info: stat, maxSize: Int) throws(Failure) -> Identity {
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile }
        guard Int(info.st_size) <= maxSize else { throw .tooLarge }
        return Identity(
            size: Int(info.st_size), seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
    }

    /// Opens a regular file of at most `maxSize` bytes; the identity comes from the open
    /// descriptor, so bytes and validators describe the same file even if it is replaced
    /// meanwhile. The caller closes the descriptor.
    static func open(_ path: String, maxSize: Int) throws(Failure) -> (Int32, Identity) {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .unreadable }
        var info = stat()
        do throws(Failure) {
            guard fstat(descriptor, &info) == 0 else { throw .unreadable }
            return (descriptor, try identity(info, maxSize: maxSize))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Reads the whole file, with the identity of what was read.
    static func readWhole(_ path: String, maxSize: Int) throws(Failure) -> (Identity, [UInt8]) {
        let (descriptor, identity) = try open(path, maxSize: maxSize)
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: identity.size)
        var filled = 0
        while filled < identity.size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, identity.size - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .unreadable }
            filled += count
        }
        return (identity, bytes)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}
