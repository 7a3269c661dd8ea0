import Glibc
import SystemKit

/// What a buffer read from the certificate watch's inotify descriptor says. Every event
/// means "look again": the watch asks only for events that can change a stamp, so the kind
/// matters for the record, never for whether the files are looked at.
enum CertificateWatchEvents {
    enum Verdict: Int, Comparable {
        /// No event.
        case nothing
        /// Something in a watched directory, or a watched file or directory itself, changed;
        /// also any event of a kind this code does not know.
        case changed
        /// A watch is gone: `IN_IGNORED` (removed, its inode deleted) or `IN_UNMOUNT`.
        case watchLost
        /// The kernel's queue overflowed (`IN_Q_OVERFLOW`): events were dropped.
        case overflowed
        /// A record runs past the bytes read.
        case malformed

        static func < (left: Verdict, right: Verdict) -> Bool { left.rawValue < right.rawValue }
    }

    /// The gravest verdict among the events in `buffer` (whole `inotify_event` records, as a
    /// `read` returns them).
    static func verdict(_ buffer: UnsafeRawBufferPointer) -> Verdict {
        let headerSize = MemoryLayout<inotify_event>.size
        let maskOffset = MemoryLayout<inotify_event>.offset(of: \inotify_event.mask)!
        let lengthOffset = MemoryLayout<inotify_event>.offset(of: \inotify_event.len)!
        var verdict = Verdict.nothing
        var offset = 0
        while offset < buffer.count {
            guard buffer.count - offset >= headerSize else { return .malformed }
            let mask = buffer.loadUnaligned(fromByteOffset: offset + maskOffset, as: UInt32.self)
            let nameLength = Int(buffer.loadUnaligned(fromByteOffset: offset + lengthOffset, as: UInt32.self))
            guard nameLength <= buffer.count - offset - headerSize else { return .malformed }
            offset += headerSize + nameLength
            let event: Verdict =
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    .overflowed
                } else if mask & UInt32(IN_IGNORED | IN_UNMOUNT) != 0 {
                    .watchLost
                } else {
                    .changed
                }
            verdict = max(verdict, event)
        }
        return verdict
    }
}

/// Tells `CertificateStore.currentVersion()` whether anything that could change the stamp
/// (device, inode, size, modification time) of the certificate or key file may have happened
/// since it last took them, so that a page view costs one `poll` of an inotify descriptor and
/// the mount table, without waiting, instead of a `stat` per file, and is as fresh: the
/// kernel queues the event inside the system call that makes the change, so a view that
/// starts after that call finds it.
///
/// Each file's directory is watched for every event that can touch an entry or a file in it
/// (create, delete, moves, modify, attributes, close after writing) and for its own move or
/// deletion; the file itself for the same (a write through a hard link elsewhere); each
/// ancestor directory up to `/` for its own move, deletion or attributes, so a renamed or
/// replaced data directory, or one whose permissions changed, is noticed. Any event at all,
/// a lost watch or an overflowed queue means "look again": the files are `stat`ed and the
/// watch is armed anew on the paths as they are then.
///
/// A file is `stat`ed on every view, whatever the watch says, when a component of its path
/// (the file included) is a symbolic link: the watch would be on the link's directory, while
/// the link's target can change elsewhere; when it, or any directory on its path, lies on a
/// file system where inotify does not see every change (network, FUSE, overlayfs, anything
/// not known: see `Inotify.seesEveryChange`); when its path has `.` or `..` components; and
/// while the watch cannot be armed (a missing directory, no inotify instance or watch left:
/// `EMFILE`, `ENOSPC`). Arming is tried again on a later view, at most once per
/// `retryInterval`.
///
/// A file system mounted over (or unmounted from) a directory on the path raises no inotify
/// event: the mount table of the namespace, opened before the watches, says so instead
/// (`MountTableWatch`), and any change to it means "look again". Not seen, as by no inotify
/// watch: writes through a shared memory mapping of the file (the store only ever writes and
/// renames).
///
/// Not thread-safe: the store keeps it behind its lock, so that polling and draining the
/// queue, `stat`ing and remembering are one step for every thread that asks.
struct CertificateFileWatch {
    /// Whether a file's stamps may be taken from the watch.
    enum Trust: Equatable, Sendable {
        case watched
        /// A component of the path (named here) is a symbolic link.
        case symbolicLink(String)
        /// The file or a directory on its path lies on a file system with this `statfs` magic
        /// number.
        case untrustedFileSystem(UInt32)
        /// The path has `.` or `..` components.
        case unusualPath
        /// The watch could not be armed, for the reason given.
        case notArmed(String)
    }

    private enum Remembered {
        case unknown
        /// The stamp taken while the watch was armed; nil when the file was missing.
        case stamp(CertificateFileStamp?)
    }

    private static let directoryMask = UInt32(
        IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_MASK_ADD)
    private static let fileMask = UInt32(
        IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW | IN_MASK_ADD)
    /// Attributes too: a permission taken away makes `stat` fail where it had succeeded.
    private static let ancestorMask = UInt32(
        IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_MASK_ADD)

    let paths: [String]
    /// The shortest time between two attempts to arm the watch.
    let retryNanoseconds: Int64
    /// Per path; all `notArmed` until the first attempt.
    private(set) var trust: [Trust]
    /// Whether every path is `watched` (kept apart from `trust`: looked at on every view).
    private var everyFileWatched = false
    private var inotify: Inotify?
    /// Opened before the watches are added: a mount over a directory on the path raises no
    /// inotify event, only a change of the mount table.
    private var mounts: MountTableWatch?
    /// Whether `inotify` holds the watches of the last arming and no event was seen since.
    private var armed = false
    private var lastArmingAttempt: Int64?
    private var remembered: [Remembered]
    /// The whole answer, once every file it depends on was remembered while armed.
    private var settledVersion: [CertificateFileStamp]??

    init(paths: [String], retryInterval: Duration) {
        self.paths = paths
        let (seconds, attoseconds) = retryInterval.components
        retryNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        trust = paths.map { _ in .notArmed("not armed yet") }
        remembered = paths.map { _ in .unknown }
    }

    /// The files' stamps as `stat` would give them now; nil when one is missing or cannot be
    /// examined. Polls (and drains) first, then arms anew and `stat`s if anything was seen: a
    /// change that races with the `stat` is seen by it and also leaves an event for next time.
    mutating func currentVersion(using fileSystem: any CertificateFileSystem) -> [CertificateFileStamp]? {
        if armed, somethingHappened() { disarm() }
        if !armed || !everyFileWatched, armingIsDue() { arm() }
        if armed, let settledVersion { return settledVersion }
        var stamps: [CertificateFileStamp] = []
        stamps.reserveCapacity(paths.count)
        var allRemembered = armed
        for index in paths.indices {
            let trusted = armed && trust[index] == .watched
            let stamp: CertificateFileStamp?
            if trusted, case .stamp(let known) = remembered[index] {
                stamp = known
            } else {
                do {
                    stamp = try fileSystem.stamp(paths[index])
                    if trusted { remembered[index] = .stamp(stamp) }
                } catch {
                    stamp = nil
                    allRemembered = false
                }
            }
            if !trusted { allRemembered = false }
            guard let stamp else {
                if allRemembered { settledVersion = .some(nil) }
                return nil
            }
            stamps.append(stamp)
        }
        if allRemembered { settledVersion = stamps }
        return stamps
    }

    /// Whether the mount table changed or an event was queued: one `poll`, and when it says
    /// the descriptor is readable (or in error), reads until nothing is queued.
    private func somethingHappened() -> Bool {
        guard let inotify, let mounts else { return true }
        let (readable, mountsChanged) = inotify.poll(alongWith: mounts)
        return mountsChanged || (readable && drainShowsEvents())
    }

    /// Reads until nothing is queued; true when any event (or a failed read) was seen.
    private func drainShowsEvents() -> Bool {
        guard let inotify else { return true }
        return withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 8) { buffer in
            var seen = false
            while true {
                let count: Int
                do {
                    count = try inotify.readQueued(into: buffer)
                } catch {
                    return true
                }
                if count == 0 { return seen }
                if CertificateWatchEvents.verdict(UnsafeRawBufferPointer(rebasing: buffer[..<count])) != .nothing {
                    seen = true
                }
            }
        }
    }

    private mutating func disarm() {
        inotify = nil
        mounts = nil
        armed = false
        everyFileWatched = false
        settledVersion = nil
        for index in remembered.indices { remembered[index] = .unknown }
    }

    private func armingIsDue() -> Bool {
        guard let lastArmingAttempt else { return true }
        return Self.monotonicNanoseconds() - lastArmingAttempt >= retryNanoseconds
    }

    /// A new instance with every watch, then the checks of each path: a link or mount put in
    /// place before the watches is seen by the checks, one put after raises an event.
    private mutating func arm() {
        disarm()
        lastArmingAttempt = Self.monotonicNanoseconds()
        let mountTable: MountTableWatch
        let instance: Inotify
        do {
            mountTable = try MountTableWatch()
        } catch {
            trust = paths.map { _ in .notArmed(error.description) }
            return
        }
        do {
            instance = try Inotify()
        } catch {
            trust = paths.map { _ in .notArmed("inotify_init1: \(error)") }
            return
        }
        trust = paths.map { Self.watch($0, with: instance) }
        everyFileWatched = trust.allSatisfy { $0 == .watched }
        guard trust.contains(.watched) else { return }
        inotify = instance
        mounts = mountTable
        armed = true
    }

    private static func watch(_ path: String, with inotify: Inotify) -> Trust {
        let absolute: String
        if path.hasPrefix("/") {
            absolute = path
        } else {
            // Relative paths resolve from the working directory's inode; its path now names it.
            do {
                absolute = try FileSystem.currentDirectory() + "/" + path
            } catch {
                return .notArmed(error.description)
            }
        }
        let components = absolute.split(separator: "/")
        guard !components.isEmpty, !components.contains(where: { $0 == "." || $0 == ".." }) else {
            return .unusualPath
        }
        // "/", "/a", "/a/tls", "/a/tls/cert.pem": the ancestors, the file's directory, the file.
        var prefixes = ["/"]
        for component in components { prefixes.append((prefixes.count == 1 ? "" : prefixes.last!) + "/" + component) }
        let file = prefixes[prefixes.count - 1]
        let directory = prefixes[prefixes.count - 2]
        // Links first found by a failed watch (`IN_DONT_FOLLOW | IN_ONLYDIR` on a link to a
        // directory fails with ENOTDIR): named as what they are.
        func linkOrFailure(_ error: FileError) -> Trust {
            for prefix in prefixes.dropFirst() where (try? FileSystem.isSymbolicLink(prefix)) == true {
                return .symbolicLink(prefix)
            }
            return .notArmed(error.description)
        }
        var fileExists = true
        do throws(FileError) {
            for ancestor in prefixes.dropLast(2) { try inotify.addWatch(ancestor, mask: ancestorMask) }
            try inotify.addWatch(directory, mask: directoryMask)
            do throws(FileError) {
                try inotify.addWatch(file, mask: fileMask)
            } catch  where error.isMissing {
                // The directory's watch sees it created.
                fileExists = false
            }
        } catch {
            return linkOrFailure(error)
        }
        do throws(FileError) {
            for prefix in prefixes.dropFirst() where prefix != file || fileExists {
                if try FileSystem.isSymbolicLink(prefix) { return .symbolicLink(prefix) }
            }
            // Every directory on the path: a rename made where inotify cannot see it (on an
            // NFS server, say) would move the path under a watch that stays silent.
            for place in fileExists ? prefixes : prefixes.dropLast() {
                let magic = try FileSystem.fileSystemMagic(place)
                guard Inotify.seesEveryChange(onFileSystemMagic: magic) else { return .untrustedFileSystem(magic) }
            }
        } catch {
            return .notArmed(error.description)
        }
        return .watched
    }

    private static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
