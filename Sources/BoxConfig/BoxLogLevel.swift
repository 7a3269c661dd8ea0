/// The product's log levels, by the names the command line, `odoo.conf`, the settings form and
/// `/status.json` use. The one place they are written.
public enum BoxLogLevel: String, CaseIterable, Sendable {
    case debug, info, warning, error

    /// Case-insensitive, as a hand-edited `odoo.conf` may write `INFO`.
    public init?(named name: String) {
        self.init(rawValue: name.lowercased())
    }

    public static var names: [String] { allCases.map(\.rawValue) }
}
