import CLinuxShims
import Glibc

/// An inotify instance (inotify(7)), non-blocking and closed on exec; the descriptor closes
/// with the object, and the kernel drops its watches then.
///
/// The kernel queues an event inside the system call that changes a watched inode or
/// directory, before that call returns: a read that starts after the call ends finds it.
public final class Inotify {
    public let descriptor: Int32

    /// Room for at least one event with the longest name; a smaller buffer makes `read` fail.
    public static let minimumBufferSize = MemoryLayout<inotify_event>.size + Int(NAME_MAX) + 1

    /// Fails with `EMFILE` when the user's instances are all taken (`max_user_instances`).
    public init() throws(SystemError) {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw SystemError.current }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Watches the inode that `path` names now (a later rename of the path does not move the
    /// watch). `ENOSPC` when the user's watches are all taken (`max_user_watches`).
    @discardableResult
    public func addWatch(_ path: String, mask: UInt32) throws(FileError) -> Int32 {
        let watch = inotify_add_watch(descriptor, path, mask)
        guard watch >= 0 else { throw FileError(operation: "inotify_add_watch", path: path, code: errno) }
        return watch
    }

    /// Reads queued events into `buffer` without waiting: the number of bytes, 0 when nothing
    /// is queued. `buffer` must hold at least `minimumBufferSize` bytes.
    public func readQueued(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            throw SystemError.current
        }
    }

    /// Whether inotify sees every change made to files on the file system with this `statfs`
    /// magic number: local file systems whose every change goes through this kernel's VFS
    /// (ext2/3/4, XFS, Btrfs, F2FS, tmpfs), and the read-only image file systems a box's root
    /// may be (squashfs, EROFS), where nothing changes. Not network file systems (a change made
    /// on another machine raises no event here), FUSE (the daemon may change files behind the
    /// VFS), overlayfs (a change to a lower layer raises none) or anything unknown.
    public static func seesEveryChange(onFileSystemMagic magic: UInt32) -> Bool {
        switch magic {
        case 0xEF53,  // ext2, ext3, ext4
            0x5846_5342,  // XFS
            0x9123_683E,  // Btrfs
            0xF2F5_2010,  // F2FS
            0x0102_1994,  // tmpfs
            0x7371_7368,  // squashfs
            0xE0F5_E1E2:  // EROFS
            return true
        default:
            return false
        }
    }
}

/// The mount table of the calling thread's mount namespace (`/proc/thread-self/mountinfo`),
/// opened to learn that it changed: `poll` reports `POLLPRI` once for each mount or unmount
/// made after the open (proc(5)). Inotify raises no event when a file system is mounted over
/// a watched directory.
public final class MountTableWatch {
    public let descriptor: Int32

    public init() throws(FileError) {
        let path = "/proc/thread-self/mountinfo"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

extension Inotify {
    /// Without waiting (one `poll`): whether events are queued, and whether `mounts` changed
    /// since the last call. Both true when `poll` fails.
    public func poll(alongWith mounts: MountTableWatch) -> (eventsQueued: Bool, mountsChanged: Bool) {
        var descriptors = (
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: mounts.descriptor, events: Int16(POLLPRI), revents: 0)
        )
        let ready = withUnsafeMutableBytes(of: &descriptors) { raw in
            Glibc.poll(raw.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, 0)
        }
        guard ready >= 0 else { return (true, true) }
        return (descriptors.0.revents != 0, descriptors.1.revents != 0)
    }
}

extension FileSystem {
    /// The `statfs` magic number of the file system holding `path` (following links).
    public static func fileSystemMagic(_ path: String) throws(FileError) -> UInt32 {
        var info = statfs()
        guard statfs(path, &info) == 0 else { throw FileError(operation: "statfs", path: path, code: errno) }
        return UInt32(truncatingIfNeeded: info.f_type)
    }

    /// Whether `path` itself is a symbolic link (`lstat`); fails when nothing is there.
    public static func isSymbolicLink(_ path: String) throws(FileError) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileError(operation: "lstat", path: path, code: errno) }
        return info.st_mode & S_IFMT == S_IFLNK
    }

    /// The working directory as an absolute path (`getcwd`).
    public static func currentDirectory() throws(FileError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else {
            throw FileError(operation: "getcwd", path: ".", code: errno)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
