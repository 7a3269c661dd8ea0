/// What the certificate banner shows. Every text is already formatted by the caller.
public struct CertificateBannerModel: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case valid, expiring, missing, checking, error
    }

    public var state: State
    /// The certificate's subject, such as `*.abcd1234.odoo-iot.com`.
    public var subject: String?
    public var validFrom: String?
    public var validUntil: String?
    public var daysLeft: Int?
    public var lastCheck: String?
    public var nextRetry: String?

    @inlinable
    public init(
        state: State, subject: String? = nil, validFrom: String? = nil, validUntil: String? = nil,
        daysLeft: Int? = nil, lastCheck: String? = nil, nextRetry: String? = nil
    ) {
        self.state = state
        self.subject = subject
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.daysLeft = daysLeft
        self.lastCheck = lastCheck
        self.nextRetry = nextRetry
    }
}
