import Glibc

/// A file operation that failed, with the step and errno, for a log line a person can act on.
enum SmallFileError: Error, Equatable {
    case unreadable(path: String, errno: Int32)
    case unwritable(path: String, step: String, errno: Int32)
}

/// Replaces a file so that a reader, or the box after a power cut, sees either the whole old
/// content or the whole new one: write a temporary file in the same directory, fsync it,
/// rename it over the target, then fsync the directory so the rename itself is durable.
enum AtomicFileWriter {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(SmallFileError) {
        let directory = parentDirectory(of: path)
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .unwritable(path: path, step: "create", errno: errno) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do throws(SmallFileError) {
            // The umask may have narrowed the mode given to open.
            guard fchmod(fd, mode) == 0 else { throw .unwritable(path: path, step: "chmod", errno: errno) }
            try writeAll(bytes, to: fd, path: path)
            guard fsync(fd) == 0 else { throw .unwritable(path: path, step: "fsync", errno: errno) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw .unwritable(path: path, step: "close", errno: errno) }
        guard rename(temporary, path) == 0 else { throw .unwritable(path: path, step: "rename", errno: errno) }
        renamed = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw .unwritable(path: directory, step: "open directory", errno: errno) }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw .unwritable(path: directory, step: "fsync directory", errno: errno) }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(SmallFileError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: path, step: "write", errno: errno)
            }
            written += result
        }
    }
}

/// Reads a whole small file; nil when it does not exist.
enum SmallFileReader {
    static func read(_ path: String) throws(SmallFileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .unreadable(path: path, errno: errno)
        }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, errno: errno)
            }
            if count == 0 { return content }
            content += chunk[0..<count]
        }
    }
}
