import BoxConfig
import FoundationEssentials
import HTTPCore
import Logging
import Synchronization

/// `odoo.conf` as the web layer uses it. A damaged file is reported on every page and never
/// replaced: saving is refused until a person fixes or removes it. While it is damaged, every
/// read looks at the file again, so a repaired file is used at once, without a restart.
final class BoxSettings: Sendable {
    let path: String
    private let store: Mutex<OdooConfigStore?>
    private let problem: Mutex<String?>
    /// Set when a damaged file was found repaired, until `takeRepair()` reports it.
    private let repaired = Mutex(false)

    init(path: String) {
        self.path = path
        do {
            store = Mutex(try OdooConfigStore(path: path))
            problem = Mutex(nil)
        } catch {
            store = Mutex(nil)
            problem = Mutex(Self.damagedMessage(path: path, error: error))
        }
    }

    /// Why settings cannot be read or saved, for the pages; nil when all is well.
    var damage: String? {
        reopenIfDamaged()
        return problem.withLock { $0 }
    }

    var current: OdooConfig {
        reopenIfDamaged()
        return store.withLock { $0?.current ?? OdooConfig() }
    }

    /// True once after a damaged file was found repaired: the caller passes the settings on.
    func takeRepair() -> Bool {
        reopenIfDamaged()
        return repaired.withLock { flag in
            defer { flag = false }
            return flag
        }
    }

    private func reopenIfDamaged() {
        store.withLock { store in
            guard store == nil else { return }
            do throws(OdooConfigError) {
                store = try OdooConfigStore(path: path)
            } catch {
                problem.withLock { $0 = Self.damagedMessage(path: path, error: error) }
                return
            }
            problem.withLock { $0 = nil }
            repaired.withLock { $0 = true }
        }
    }

    /// Applies `change` and writes the file atomically; throws a message fit for a person.
    func update(_ change: (inout OdooConfig) -> Void) throws(SettingsSaveError) -> OdooConfig {
        try store.withLock { store throws(SettingsSaveError) -> OdooConfig in
            guard let current = store else {
                throw SettingsSaveError(message: problem.withLock { $0 } ?? "settings are unavailable")
            }
            do throws(OdooConfigError) {
                let saved = try current.update(change)
                problem.withLock { $0 = nil }
                return saved
            } catch {
                let message =
                    switch error {
                    case .unwritable, .unreadable: "Could not save \(path): \(error.description)"
                    default: Self.damagedMessage(path: path, error: error)
                    }
                problem.withLock { $0 = message }
                throw SettingsSaveError(message: message)
            }
        }
    }

    private static func damagedMessage(path: String, error: OdooConfigError) -> String {
        "The settings file \(path) is damaged (\(error.description)). Nothing was changed: fix or remove the file."
    }
}

struct SettingsSaveError: Error {
    var message: String
}

extension BoxSettings {
    /// Keeps the subject of a newly stored certificate in `odoo.conf`, as an Odoo box does.
    func rememberSubject(ofChain chainPEM: String, logger: Logger) {
        guard let leaf = try? X509Certificate.parseChain(pem: Array(chainPEM.utf8)).first,
            let subject = leaf.subjectCommonName
        else { return }
        do throws(SettingsSaveError) {
            _ = try update { $0[.subject] = subject }
        } catch {
            logger.warning("could not save the certificate subject: \(error.message)")
        }
    }
}
