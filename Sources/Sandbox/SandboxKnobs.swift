import FoundationEssentials
import HTTPCore

/// Misbehaviours the sandbox can be told to show, so every error path can be seen for real.
/// Changed at runtime through `SandboxCertificateService.updateKnobs`.
public struct SandboxKnobs: Sendable, Equatable {
    /// Validity of issued certificates; tests make it short to exercise renewal.
    public var validity: Duration = .seconds(90 * 86_400)
    /// Answer every certificate request with this HTTP status and an HTML body.
    public var forcedStatus: Int?
    /// Sent as `Retry-After` with the forced status (seconds or an HTTP date).
    public var retryAfter: String?
    /// Wait this long before answering (off the event loop).
    public var delay: Duration?
    /// Answer 200 with a body that is not JSON.
    public var answerGarbage = false
    /// Close the connection without an answer (the service answers `.closeConnection`).
    public var dropConnection = false

    public init() {}
}

extension SandboxKnobs {
    /// The knobs a person (or an end-to-end test of the whole box) sets in the sandbox's
    /// `knobs.json`, e.g. `{"delay_ms": 4000}` or `{"forced_status": 503}`. Keys:
    /// `validity_days`, `forced_status`, `retry_after`, `delay_ms`, `answer_garbage`, `drop_connection`. A value
    /// out of range keeps its default. Returns nil when the file is missing or is not a JSON object.
    static func load(path: String) -> SandboxKnobs? {
        guard let data = FileManager.default.contents(atPath: path),
            let object = (try? JSONValue(parsing: Array(data)))?.objectValue
        else { return nil }
        var knobs = SandboxKnobs()
        // Ten years either way: negative days make an already expired certificate; past that
        // no certificate can carry the date, and a huge number would trap in `Duration`.
        if let days = object["validity_days"]?.doubleValue, (-3650...3650).contains(days) {
            knobs.validity = .seconds(days * 86_400)
        }
        if let status = object["forced_status"]?.intValue, (100...599).contains(status) { knobs.forcedStatus = status }
        if let retryAfter = object["retry_after"]?.stringValue {
            knobs.retryAfter = retryAfter
        } else if let seconds = object["retry_after"]?.intValue, seconds >= 0 {
            knobs.retryAfter = String(seconds)
        }
        if let delay = object["delay_ms"]?.intValue, delay > 0 { knobs.delay = .milliseconds(delay) }
        knobs.answerGarbage = object["answer_garbage"]?.boolValue ?? false
        knobs.dropConnection = object["drop_connection"]?.boolValue ?? false
        return knobs
    }
}

extension Duration {
    /// Seconds as Foundation and Dispatch count them.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
