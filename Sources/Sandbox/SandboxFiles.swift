import Glibc

/// The sandbox CA's few file writes: a new file with its mode set whatever the umask, synced
/// to the disk, so a CA a browser was told to trust survives a power cut.
enum SandboxFiles {
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var path: String
        var code: Int32

        var description: String { "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))" }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func read(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return content }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", path: path, code: errno)
            }
            content += chunk[0..<count]
        }
    }

    static func writeDurably(_ bytes: [UInt8], to path: String, mode: mode_t) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw Failure(operation: "chmod", path: path, code: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", path: path, code: errno)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw Failure(operation: "fsync", path: path, code: errno) }
    }

    /// Creates `directory` and missing parents with `mode`; existing ones are left as they are.
    static func createDirectories(_ directory: String, mode: mode_t) throws(Failure) {
        var path = ""
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            path += (path.isEmpty && !directory.hasPrefix("/") ? "" : "/") + component
            if mkdir(path, mode) != 0 && errno != EEXIST {
                throw Failure(operation: "mkdir", path: path, code: errno)
            }
        }
    }
}
