import Glibc
import SystemKit
import Testing

@Suite struct InotifyTests {
    private static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/systemkit-inotify-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return try #require(made.map { String(cString: $0) })
    }

    private static func remove(_ directory: String) {
        _ = system("rm -rf '\(directory)'")
    }

    @Test func aChangeIsQueuedBeforeTheCallReturnsAndReadsNeverWait() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        let inotify = try Inotify()
        try inotify.addWatch(directory, mask: UInt32(IN_CREATE))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Inotify.minimumBufferSize, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try inotify.readQueued(into: buffer) == 0)
        let descriptor = open(directory + "/new", O_WRONLY | O_CREAT, 0o600)
        close(descriptor)
        let count = try inotify.readQueued(into: buffer)
        #expect(count >= MemoryLayout<inotify_event>.size)
        #expect(buffer.load(fromByteOffset: 4, as: UInt32.self) & UInt32(IN_CREATE) != 0)
        #expect(try inotify.readQueued(into: buffer) == 0)
    }

    @Test func aMissingPathCannotBeWatched() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        let inotify = try Inotify()
        #expect(throws: FileError(operation: "inotify_add_watch", path: directory + "/none", code: ENOENT)) {
            try inotify.addWatch(directory + "/none", mask: UInt32(IN_CREATE))
        }
    }

    @Test func onlyLocalFileSystemsAreTrusted() throws {
        // ext4, XFS, Btrfs, F2FS, tmpfs, squashfs, EROFS.
        for magic: UInt32 in [0xEF53, 0x5846_5342, 0x9123_683E, 0xF2F5_2010, 0x0102_1994, 0x7371_7368, 0xE0F5_E1E2] {
            #expect(Inotify.seesEveryChange(onFileSystemMagic: magic), "\(magic)")
        }
        // NFS, SMB/CIFS, SMB2, FUSE, overlayfs, 9p, procfs, an unknown one.
        for magic: UInt32 in [0x6969, 0xFF53_4D42, 0xFE53_4D42, 0x6573_5546, 0x794C_7630, 0x0102_1997, 0x9FA0, 0] {
            #expect(!Inotify.seesEveryChange(onFileSystemMagic: magic), "\(magic)")
        }
        #expect(try FileSystem.fileSystemMagic("/proc") == 0x9FA0)
    }

    @Test func linksAreToldFromWhatTheyName() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        #expect(symlink(directory, directory + "/link") == 0)
        #expect(try FileSystem.isSymbolicLink(directory + "/link"))
        #expect(try !FileSystem.isSymbolicLink(directory))
        #expect(throws: FileError.self) { try FileSystem.isSymbolicLink(directory + "/none") }
        #expect(try FileSystem.currentDirectory().hasPrefix("/"))
    }
}
