import FoundationEssentials
import HTTPCore

/// When the box asks the certificate service again: quick re-sends within one check, the
/// back-off after a failed check, `Retry-After`, and the daily check's time of day.
///
/// Pure: time and randomness are arguments, so the checker and the fleet simulation
/// (`fleet-sim`) run exactly these rules, and every rule is tested without waiting.
public struct RetryPolicy: Sendable {
    /// Back-off after the first failed check, then doubled up to `maximumBackOff`.
    public var firstBackOff: TimeInterval = 30
    public var maximumBackOff: TimeInterval = 3600
    /// Each back-off delay is multiplied by a random factor in `1 ± jitter`, so boxes that
    /// failed together (an outage, a power cut across a city) do not retry together.
    public var jitter = 0.2
    /// Extra sends of a request that never reached the service, and the pause before each.
    public var quickResends = 2
    public var quickResendDelay: Duration = .seconds(2)
    /// A `Retry-After` further away than this is cut to it.
    public var maximumRetryAfter: TimeInterval = 86_400

    public init() {}

    /// The back-off before jitter: 30 s, 60 s, 120 s, … capped at the maximum.
    public func nominalBackOff(afterFailures failures: Int) -> TimeInterval {
        var delay = firstBackOff
        for _ in 1..<max(1, failures) {
            delay *= 2
            if delay >= maximumBackOff { return maximumBackOff }
        }
        return min(delay, maximumBackOff)
    }

    /// The back-off with its jitter; `unitRandom` is uniform in `0..<1`.
    public func backOff(afterFailures failures: Int, unitRandom: Double) -> TimeInterval {
        nominalBackOff(afterFailures: failures) * (1 + jitter * (2 * unitRandom - 1))
    }

    /// Whether the request is sent again at once after the `attempt`-th send (1-based) failed
    /// this way: only while it never reached the service, at most `quickResends` times.
    public func resendsAtOnce(after failure: CertificateRequestFailure, attempt: Int) -> Bool {
        failure.deservesQuickResend && attempt <= quickResends
    }

    /// The wait a `429` or `503` asks for with `Retry-After` (RFC 9110 §10.2.3: seconds, or an
    /// HTTP date), at most `maximumRetryAfter`; nil for any other status, or no usable value.
    public func retryAfterDelay(status: Int, retryAfter: String?, now: Date) -> TimeInterval? {
        guard status == 429 || status == 503, let text = retryAfter.map({ String($0.trimmingASCIIWhitespace()) }),
            !text.isEmpty
        else { return nil }
        let delay: TimeInterval
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Digits only; a number too long for Int is certainly past the cap.
            delay = Int(text).map(TimeInterval.init) ?? maximumRetryAfter
        } else if let seconds = HTTPDate.parse(text) {
            delay = TimeInterval(seconds) - now.timeIntervalSince1970
        } else {
            return nil
        }
        return min(max(0, delay), maximumRetryAfter)
    }

    /// When to try again after the `failures`-th failed check in a row: the back-off, or
    /// later if the service asked for it with `Retry-After`.
    public func nextTry(afterFailures failures: Int, retryAfter: TimeInterval?, now: Date, unitRandom: Double)
        -> Date
    {
        let backOff = backOff(afterFailures: failures, unitRandom: unitRandom)
        return now.addingTimeInterval(max(backOff, retryAfter ?? 0))
    }

    /// A time of day (seconds after midnight UTC) for the daily check, drawn once per box.
    public func dailyCheckSecond(unitRandom: Double) -> Int {
        min(86_399, max(0, Int(unitRandom * 86_400)))
    }

    /// The first moment after `now` at `second` past midnight UTC.
    public func nextDailyCheck(after now: Date, atSecond second: Int) -> Date {
        let today = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        var next = today + TimeInterval(second)
        if next <= now.timeIntervalSince1970 { next += 86_400 }
        return Date(timeIntervalSince1970: next)
    }
}
