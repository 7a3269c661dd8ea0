import Synchronization

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
            do throws(SmallFileError) {
                try AtomicFileWriter.write(Array(config.text.utf8), to: path, mode: 0o600)
            } catch {
                throw OdooConfigError(error)
            }
            cached = config
            return config
        }
    }

    private static func read(_ path: String) throws(OdooConfigError) -> OdooConfig {
        let bytes: [UInt8]?
        do throws(SmallFileError) {
            bytes = try SmallFileReader.read(path)
        } catch {
            throw OdooConfigError(error)
        }
        guard let bytes else { return OdooConfig() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return try OdooConfig(parsing: text)
    }
}
