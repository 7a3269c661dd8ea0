import Glibc
import SystemKit

/// Narrows a private key file to owner read/write (0600) when group or others may read it.
/// Returns true when the mode was changed, so the caller can log that it fixed something.
/// A key others can read is a key that may already be copied; the fix is still worth making.
public func tightenPrivateKeyPermissions(path: String) throws(TLSError) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else {
        throw .fileUnreadable(path: path, detail: SystemError.current.description)
    }
    let permissionBits = info.st_mode & 0o7777
    guard permissionBits & 0o077 != 0 else { return false }
    guard chmod(path, 0o600) == 0 else {
        throw .permissionChangeFailed(path: path, detail: SystemError.current.description)
    }
    return true
}
