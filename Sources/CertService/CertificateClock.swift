import Dispatch
import FoundationEssentials
import Glibc

/// Time for the checker: what time it is, and running work later. Injected so back-off,
/// timers and page waits are tested by moving a fake clock instead of sleeping.
public protocol CertificateClock: Sendable {
    var now: Date { get }
    /// Runs `work` once, on some thread, when `delay` has passed.
    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void)
    /// Blocks the calling thread (the checker's own) for `delay`.
    func sleep(for delay: Duration)
}

/// The wall clock, with Dispatch timers.
public struct SystemCertificateClock: CertificateClock {
    public init() {}

    public var now: Date { Date() }

    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + delay.timeInterval, execute: work)
    }

    public func sleep(for delay: Duration) {
        let parts = delay.components
        var request = timespec(tv_sec: Int(parts.seconds), tv_nsec: Int(parts.attoseconds / 1_000_000_000))
        var remaining = timespec()
        // A signal cuts the sleep short: sleep what is left.
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
