import Glibc
import Logging

/// A swift-log handler writing `2026-11-26T10:00:00Z WARNING [label] message key=value` lines
/// to a `LogFileSink`, at the level of a `SharedLogLevel`.
struct HomepageLogHandler: LogHandler {
    let label: String
    let sink: LogFileSink
    let sharedLevel: SharedLogLevel
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    /// Metadata keys whose values are never written, whatever a caller passes.
    static let secretMetadataKeys: Set<String> = ["enterprise_code", "enterpriseCode", "private_key_pem"]

    init(label: String, sink: LogFileSink, sharedLevel: SharedLogLevel) {
        self.label = label
        self.sink = sink
        self.sharedLevel = sharedLevel
    }

    /// Setting it changes the level of every handler sharing `sharedLevel`: the level is one
    /// product-wide setting, not a per-logger one.
    var logLevel: Logger.Level {
        get { sharedLevel.current }
        set { sharedLevel.current = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(Self.timestamp()) \(event.level.rawValue.uppercased()) [\(label)] \(event.message)"
        for key in merged.keys.sorted() {
            let value = Self.secretMetadataKeys.contains(key) ? "[redacted]" : "\(merged[key]!)"
            line += " \(key)=\(value)"
        }
        sink.append(line, level: event.level)
    }

    /// Sets swift-log's global factory; call once at start.
    static func bootstrap(sink: LogFileSink, level: SharedLogLevel) {
        LoggingSystem.bootstrap { label in
            HomepageLogHandler(label: label, sink: sink, sharedLevel: level)
        }
    }

    /// RFC 3339 UTC, second precision: what the rest of the product shows.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
