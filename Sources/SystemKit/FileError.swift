import Glibc

/// A file operation that failed: which step, on which path, and the errno it got, so a log
/// line says what to fix.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step that failed: `open`, `read`, `write`, `fsync`, `rename`, `mkdir`, ...
    public var operation: String
    public var path: String
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// True when the failure says the path does not exist.
    public var isMissing: Bool { code == ENOENT || code == ENOTDIR }

    /// e.g. `open /etc/odoo.conf: Permission denied (errno 13)`.
    public var description: String { "\(operation) \(path): \(SystemError(code))" }
}
