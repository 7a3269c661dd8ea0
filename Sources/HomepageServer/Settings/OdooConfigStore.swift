import BoxConfig
import Synchronization
import SystemKit

/// `odoo.conf` on disk, shared by every thread that changes settings.
///
/// Each update reads the file again, applies the change and writes it back atomically with
/// mode 0600 (it holds the enterprise code). Reading again means a hand edit made while the
/// box runs is kept, and a file that has become damaged is reported instead of replaced:
/// the update throws and the file stays as it is.
final class OdooConfigStore: Sendable {
    let path: String
    /// Serialises read-modify-write cycles; the value is the last config read or written.
    private let state: Mutex<OdooConfig>

    /// Reads the file (a missing file is an empty config). Throws if it cannot be read or parsed.
    init(path: String) throws(OdooConfigError) {
        self.path = path
        self.state = Mutex(try Self.read(path))
    }

    /// The settings as last read or written.
    var current: OdooConfig {
        state.withLock { $0 }
    }

    /// Applies `change` to the file's current content and saves the result.
    @discardableResult
    func update(_ change: (inout OdooConfig) -> Void) throws(OdooConfigError) -> OdooConfig {
        try state.withLock { (cached: inout OdooConfig) throws(OdooConfigError) -> OdooConfig in
            var config = try Self.read(path)
            change(&config)
            do throws(FileError) {
                try FileSystem.replace(path, with: Array(config.text.utf8), mode: 0o600)
            } catch {
                throw .unwritable(error)
            }
            cached = config
            return config
        }
    }

    /// Far above any real settings file; a larger one is not read into memory.
    static let maximumSize = 1 << 20

    private static func read(_ path: String) throws(OdooConfigError) -> OdooConfig {
        let bytes: [UInt8]?
        do throws(FileError) {
            bytes = try FileSystem.readIfPresent(path, maxBytes: maximumSize)
        } catch {
            throw .unreadable(error)
        }
        guard let bytes else { return OdooConfig() }
        return try OdooConfig(parsing: bytes)
    }
}
