import Glibc
import SystemKit

/// The `--data-dir`: created 0700 (with its parents) when missing, and checked writable, so
/// the box never starts with settings it could not save.
enum DataDirectory {
    enum Failure: Error, CustomStringConvertible {
        case cannotCreate(path: String, FileError)
        case notADirectory(path: String)
        case notWritable(path: String)

        var description: String {
            switch self {
            case .cannotCreate(let path, let failure): "cannot create data dir \(path): \(SystemError(failure.code))"
            case .notADirectory(let path): "data dir \(path) is not a directory"
            case .notWritable(let path): "data dir \(path) is not writable"
            }
        }
    }

    static func prepare(_ path: String) throws(Failure) {
        do throws(FileError) {
            try FileSystem.createDirectories(path, mode: 0o700)
        } catch {
            if error.code == ENOTDIR || error.code == EEXIST { throw .notADirectory(path: path) }
            throw .cannotCreate(path: path, error)
        }
        guard access(path, W_OK | X_OK) == 0 else { throw .notWritable(path: path) }
    }
}
