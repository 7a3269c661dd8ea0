import Glibc

/// An `errno` value with the words a person reads in a log line.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) {
        self.code = code
    }

    /// The calling thread's `errno`, read at once.
    public static var current: SystemError { SystemError(errno) }

    /// The C library's words alone, e.g. `No such file or directory`.
    public var text: String {
        guard let words = strerror(code), let text = String(validatingCString: words) else { return "error \(code)" }
        return text
    }

    /// The words with the number, e.g. `No such file or directory (errno 2)`.
    public var description: String { "\(text) (errno \(code))" }
}
