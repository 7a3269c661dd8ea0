import Glibc
import SystemKit
import Testing

@Suite struct FileSystemTests {
    /// A fresh directory under the system's temporary directory, removed by `remove()`.
    private static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/systemkit-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return try #require(made.map { String(cString: $0) })
    }

    private static func remove(_ directory: String) {
        _ = system("rm -rf '\(directory)'")
    }

    @Test func replaceWritesTheWholeContentWithItsMode() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        let path = directory + "/settings"
        try FileSystem.replace(path, with: Array("one".utf8), mode: 0o600)
        try FileSystem.replace(path, with: Array("two, longer".utf8), mode: 0o640)
        #expect(try FileSystem.read(path) == Array("two, longer".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)
        // No temporary file is left beside it.
        let listing = try #require(opendir(directory))
        defer { closedir(listing) }
        var names: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        #expect(names == ["settings"])
    }

    @Test func aMissingFileIsNilOrAnErrorThatSaysSo() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        #expect(try FileSystem.readIfPresent(directory + "/none") == nil)
        do {
            _ = try FileSystem.read(directory + "/none")
            Issue.record("read a missing file")
        } catch {
            #expect(error.isMissing)
            #expect(error.description == "open \(directory)/none: No such file or directory (errno 2)")
        }
    }

    @Test func readStopsAtItsLimit() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        let path = directory + "/big"
        try FileSystem.writeAndSync([UInt8](repeating: 7, count: 100), to: path, mode: 0o600)
        #expect(try FileSystem.read(path, maxBytes: 100).count == 100)
        #expect(throws: FileError(operation: "read", path: path, code: EFBIG)) {
            try FileSystem.read(path, maxBytes: 99)
        }
    }

    @Test func replaceInAMissingDirectoryNamesTheStep() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        do {
            try FileSystem.replace(directory + "/no/such", with: [1], mode: 0o600)
            Issue.record("wrote into a missing directory")
        } catch {
            #expect(error.operation == "create")
            #expect(error.code == ENOENT)
        }
    }

    @Test func createDirectoriesMakesParentsAndRefusesAFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { Self.remove(directory) }
        try FileSystem.createDirectories(directory + "/a/b/c", mode: 0o700)
        try FileSystem.createDirectories(directory + "/a/b/c", mode: 0o700)
        var info = stat()
        #expect(stat(directory + "/a/b/c", &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
        try FileSystem.writeAndSync([1], to: directory + "/file", mode: 0o600)
        #expect(throws: FileError(operation: "mkdir", path: directory + "/file", code: ENOTDIR)) {
            try FileSystem.createDirectories(directory + "/file", mode: 0o700)
        }
    }

    @Test func parentDirectoryOfBareAndRootedPaths() {
        #expect(FileSystem.parentDirectory(of: "name") == ".")
        #expect(FileSystem.parentDirectory(of: "/name") == "/")
        #expect(FileSystem.parentDirectory(of: "/var/lib/x") == "/var/lib")
    }

    @Test func errnoTextHasWordsAndNumber() {
        #expect(SystemError(ENOENT).text == "No such file or directory")
        #expect(SystemError(EACCES).description == "Permission denied (errno 13)")
    }
}
