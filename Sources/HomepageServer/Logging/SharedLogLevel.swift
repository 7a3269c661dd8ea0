import Logging
import Synchronization

/// The one log level every handler consults, so a change from the settings page reaches every
/// module's logger at once, including loggers created before the change.
final class SharedLogLevel: Sendable {
    private let value: Mutex<Logger.Level>

    init(_ level: Logger.Level) {
        value = Mutex(level)
    }

    var current: Logger.Level {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }

    /// The settings page's names (`debug`, `info`, `warning`, `error`) as swift-log levels.
    static func level(named name: String) -> Logger.Level? {
        switch name.lowercased() {
        case "debug": return .debug
        case "info": return .info
        case "warning": return .warning
        case "error": return .error
        default: return nil
        }
    }
}
