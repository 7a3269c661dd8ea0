import Glibc

/// The `--data-dir`: created 0700 (with its parents) when missing, and checked writable, so
/// the box never starts with settings it could not save.
enum DataDirectory {
    enum Failure: Error, CustomStringConvertible {
        case cannotCreate(path: String, errno: Int32)
        case notADirectory(path: String)
        case notWritable(path: String)

        var description: String {
            switch self {
            case .cannotCreate(let path, let code): "cannot create data dir \(path): \(describeErrno(code))"
            case .notADirectory(let path): "data dir \(path) is not a directory"
            case .notWritable(let path): "data dir \(path) is not writable"
            }
        }
    }

    static func prepare(_ path: String) throws(Failure) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw .cannotCreate(path: path, errno: errno)
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(path: path) }
        guard access(path, W_OK | X_OK) == 0 else { throw .notWritable(path: path) }
    }
}

func describeErrno(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(validatingCString: text) ?? "errno \(code)"
}
