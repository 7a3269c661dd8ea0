import BoxConfig
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

    /// The current level by its product name.
    var name: BoxLogLevel { BoxLogLevel(current) }
}
