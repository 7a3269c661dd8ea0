import Glibc
import TestSupport

/// A tree of files for one test, in a temporary directory removed when the test drops it.
final class StaticFileTestTree {
    private let directory = TemporaryDirectory(prefix: "static-file-test")
    var base: String { directory.path }

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
        return path
    }

    func directory(_ relative: String) {
        let path = base + "/" + relative
        mkdir(path, 0o755)
    }

    func symlink(_ relative: String, to target: String) {
        let path = base + "/" + relative
        Glibc.symlink(target, path)
    }

    func setModified(_ relative: String, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        utimensat(AT_FDCWD, base + "/" + relative, &times, 0)
    }
}
