/// Misbehaviours the sandbox can be told to show, so every error path can be seen for real.
/// Changed at runtime through `SandboxCertificateService.updateKnobs`.
public struct SandboxKnobs: Sendable, Equatable {
    /// Validity of issued certificates; tests make it short to exercise renewal.
    public var validity: Duration = .seconds(90 * 86_400)
    /// Answer every certificate request with this HTTP status and an HTML body.
    public var forcedStatus: Int?
    /// Wait this long before answering (off the event loop).
    public var delay: Duration?
    /// Answer 200 with a body that is not JSON.
    public var answerGarbage = false
    /// Close the connection without an answer (the service answers `.closeConnection`).
    public var dropConnection = false

    public init() {}
}
