import Glibc
import SystemKit

/// One process per data dir: an exclusive `flock` on `DATA/homepage-server.lock`, held for the
/// process's life and released by the kernel when it ends, however it ends. Two processes on
/// one data dir would rewrite the same certificate files and, with `SO_REUSEPORT`, split the
/// connections between them.
///
/// The file holds the owner's pid, so a second instance can say who is in the way.
final class DataDirectoryLock: Sendable {
    static let fileName = "homepage-server.lock"

    enum Failure: Error, CustomStringConvertible {
        /// Another live process holds the lock; its pid when the file names one.
        case inUse(path: String, pid: Int32?)
        case cannotLock(path: String, errno: Int32)

        var description: String {
            switch self {
            case .inUse(let path, let pid?): "data dir in use by pid \(pid): \(path)"
            case .inUse(let path, nil): "data dir in use by another process: \(path)"
            case .cannotLock(let path, let code): "cannot lock \(path): \(SystemError(code))"
            }
        }
    }

    /// The open lock file; never closed, since closing it would release the lock.
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    static func path(in dataDirectory: String) -> String { dataDirectory + "/" + fileName }

    /// Fails when another process holds the lock, and changes nothing on disk: called before
    /// the listeners open, so a second instance neither takes connections nor writes a byte.
    /// A data dir or lock file that does not exist yet is held by no one.
    static func ensureNotHeld(in dataDirectory: String) throws(Failure) {
        let path = path(in: dataDirectory)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // A shared lock conflicts with the owner's exclusive one, and leaves nothing behind.
        if flock(fd, LOCK_SH | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else { return }
            throw .inUse(path: dataDirectory, pid: ownerPID(fd))
        }
    }

    /// Takes the lock for the rest of the process's life and writes this process's pid into
    /// the file. The data dir must exist.
    static func acquire(in dataDirectory: String) throws(Failure) -> DataDirectoryLock {
        let path = path(in: dataDirectory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .cannotLock(path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let pid = code == EWOULDBLOCK ? ownerPID(fd) : nil
            close(fd)
            if code == EWOULDBLOCK { throw .inUse(path: dataDirectory, pid: pid) }
            throw .cannotLock(path: path, errno: code)
        }
        let text = Array("\(getpid())\n".utf8)
        let written = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == text.count, ftruncate(fd, off_t(text.count)) == 0 else {
            let code = errno
            close(fd)
            throw .cannotLock(path: path, errno: code)
        }
        return DataDirectoryLock(descriptor: fd)
    }

    /// The pid written by the lock's owner. The owner writes it just after locking, so an
    /// empty file is read again for a moment before giving up.
    private static func ownerPID(_ fd: Int32) -> Int32? {
        for _ in 0..<50 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                if text.hasSuffix("\n"), let pid = Int32(text.dropLast()), pid > 0 { return pid }
            }
            usleep(10_000)
        }
        return nil
    }
}
