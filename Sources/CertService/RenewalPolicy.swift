import FoundationEssentials

/// Decides, from a certificate's facts and the time, whether the box must ask for a new one.
/// Pure: no files, no clock of its own, so every rule is tested with fixed dates.
public struct RenewalPolicy: Sendable {
    /// Odoo boxes ship a self-signed placeholder under this name; it never counts as valid.
    public static let temporaryCommonName = "OdooTempIoTBoxCertificate"

    /// A certificate whose end is this close or closer is renewed.
    public var renewalMargin: TimeInterval

    public init(renewalMargin: TimeInterval = 10 * 86_400) {
        self.renewalMargin = renewalMargin
    }

    public enum Verdict: Sendable, Equatable {
        /// Keep it; no network traffic is needed.
        case valid
        /// Still servable, but a new one must be requested.
        case expiring
        /// Not servable at all; a new one must be requested.
        case unusable(Reason)
    }

    public enum Reason: Sendable, Equatable {
        case keyMismatch
        case temporaryCertificate
        case expired
    }

    /// A certificate whose start is still ahead is not refused: that means the box's clock
    /// is off, and asking again would only loop.
    public func evaluate(_ facts: CertificateFacts, now: Date) -> Verdict {
        if !facts.keyMatches { return .unusable(.keyMismatch) }
        if facts.subjectCommonName == Self.temporaryCommonName { return .unusable(.temporaryCertificate) }
        if facts.notAfter <= now { return .unusable(.expired) }
        if facts.notAfter.timeIntervalSince(now) > renewalMargin { return .valid }
        return .expiring
    }

    /// Whole days left, rounded down, never negative.
    public static func daysLeft(until notAfter: Date, now: Date) -> Int {
        max(0, Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down)))
    }
}
