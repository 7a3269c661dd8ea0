import Glibc

/// A temporary directory tree made by one test and removed when the test drops it.
final class StaticFileTestTree {
    let base: String
    private var created: [String] = []

    init() {
        var template = Array("/tmp/static-file-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        base = String(cString: made!)
    }

    deinit {
        for path in created.reversed() {
            if unlink(path) != 0 { rmdir(path) }
        }
        rmdir(base)
    }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        write(relative, Array(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let path = base + "/" + relative
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0, "open failed")
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if !created.contains(path) { created.append(path) }
        return path
    }

    func directory(_ relative: String) {
        let path = base + "/" + relative
        mkdir(path, 0o755)
        created.append(path)
    }

    func symlink(_ relative: String, to target: String) {
        let path = base + "/" + relative
        Glibc.symlink(target, path)
        created.append(path)
    }

    func setModified(_ relative: String, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        utimensat(AT_FDCWD, base + "/" + relative, &times, 0)
    }
}
