import Glibc

/// A unique temporary directory for one test, removed with everything in it on deinit: the
/// one temporary-directory helper of every test target.
public final class TemporaryDirectory: @unchecked Sendable {
    // Why @unchecked: `path` is immutable; the methods only make system calls on it.
    public let path: String

    public init(prefix: String = "homepage-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func write(_ name: String, _ text: String, mode: mode_t = 0o644) {
        let fd = open(file(name), O_WRONLY | O_CREAT | O_TRUNC, mode)
        precondition(fd >= 0)
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    public func read(_ name: String) -> String? {
        guard let file = fopen(file(name), "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while true {
            let byte = fgetc(file)
            if byte == EOF { break }
            bytes.append(UInt8(byte))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func mode(of name: String) -> mode_t? {
        var info = stat()
        guard stat(file(name), &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    /// Names in the directory, without `.` and `..`.
    public func entries() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes the directory now; a `defer { directory.remove() }` also keeps it alive until
    /// the end of the scope whose files the code under test still uses.
    public func remove() {
        removeTree(path)
    }

    deinit {
        removeTree(path)
    }

    private func removeTree(_ root: String) {
        if let directory = opendir(root) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = "\(root)/\(name)"
                if entry.pointee.d_type == UInt8(DT_DIR) { removeTree(child) } else { unlink(child) }
            }
            closedir(directory)
        }
        rmdir(root)
    }
}
