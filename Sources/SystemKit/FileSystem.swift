import Glibc

/// The few file operations every module needs, through POSIX calls so that `fsync` happens
/// where it must and every failure keeps its errno.
public enum FileSystem {
    /// Reads a whole file. Past `maxBytes` it fails with `EFBIG` instead of growing further.
    public static func read(_ path: String, maxBytes: Int = Int.max) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        return try readAll(descriptor, path: path, maxBytes: maxBytes)
    }

    /// Reads a whole file; nil when nothing exists at `path`.
    public static func readIfPresent(_ path: String, maxBytes: Int = Int.max) throws(FileError) -> [UInt8]? {
        do throws(FileError) {
            return try read(path, maxBytes: maxBytes)
        } catch {
            if error.operation == "open" && error.isMissing { return nil }
            throw error
        }
    }

    /// Reads from an open descriptor to its end.
    public static func readAll(_ descriptor: Int32, path: String, maxBytes: Int = Int.max) throws(FileError)
        -> [UInt8]
    {
        var content: [UInt8] = []
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 {
            content.reserveCapacity(min(Int(info.st_size), maxBytes) + 1)
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return content }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "read", path: path, code: errno)
            }
            guard count <= maxBytes - content.count else {
                throw FileError(operation: "read", path: path, code: EFBIG)
            }
            content.append(contentsOf: chunk[0..<count])
        }
    }

    /// Creates or truncates `path` with `mode` (whatever the umask), writes `bytes` and syncs
    /// them to the disk. Not atomic: a reader may see a partial file; see `replace`.
    public static func writeAndSync(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw FileError(operation: "create", path: path, code: errno) }
        do throws(FileError) {
            try finishWrite(descriptor, bytes, path: path, mode: mode)
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw FileError(operation: "close", path: path, code: errno) }
    }

    /// Replaces a file so that a reader, or the box after a power cut, sees either the whole
    /// old content or the whole new one: writes a temporary file in the same directory, syncs
    /// it, renames it over `path`, then syncs the directory so the rename itself is durable.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t) throws(FileError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw FileError(operation: "create", path: temporary, code: errno) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do throws(FileError) {
            try finishWrite(descriptor, bytes, path: temporary, mode: mode)
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw FileError(operation: "close", path: temporary, code: errno) }
        guard rename(temporary, path) == 0 else { throw FileError(operation: "rename", path: path, code: errno) }
        renamed = true
        try syncDirectory(parentDirectory(of: path))
    }

    /// Makes renames and creations inside `directory` durable.
    public static func syncDirectory(_ directory: String) throws(FileError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(operation: "open directory", path: directory, code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw FileError(operation: "fsync directory", path: directory, code: errno)
        }
    }

    /// Creates `directory` and its missing parents with `mode`; existing ones are left as
    /// they are. Fails with `ENOTDIR` when the path exists and is not a directory.
    public static func createDirectories(_ directory: String, mode: mode_t) throws(FileError) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw FileError(operation: "mkdir", path: prefix, code: errno)
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0 else { throw FileError(operation: "stat", path: directory, code: errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw FileError(operation: "mkdir", path: directory, code: ENOTDIR)
        }
    }

    /// The directory part of `path`: `.` for a bare name, `/` for a file at the root.
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func finishWrite(_ descriptor: Int32, _ bytes: [UInt8], path: String, mode: mode_t)
        throws(FileError)
    {
        // The umask may have narrowed the mode given to open, and an existing file keeps its own.
        guard fchmod(descriptor, mode) == 0 else { throw FileError(operation: "chmod", path: path, code: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", path: path, code: errno)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw FileError(operation: "fsync", path: path, code: errno) }
    }
}
