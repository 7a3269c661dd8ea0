import Logging

/// The product's log levels, by the names the command line, `odoo.conf`, the settings form and
/// `/status.json` use. The one place they are written.
enum BoxLogLevel: String, CaseIterable, Sendable {
    case debug, info, warning, error

    /// Case-insensitive, as a hand-edited `odoo.conf` may write `INFO`.
    init?(named name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The product level a swift-log level falls under.
    init(_ level: Logger.Level) {
        switch level {
        case .trace, .debug: self = .debug
        case .info, .notice: self = .info
        case .warning: self = .warning
        case .error, .critical: self = .error
        }
    }

    var loggerLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
    }

    static var names: [String] { allCases.map(\.rawValue) }
}
