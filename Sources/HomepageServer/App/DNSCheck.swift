import CertService
import Dispatch
import FoundationEssentials
import Glibc
import HTTPCore
import Synchronization

/// What the system resolver says of the box's own HTTPS name (CONTRACT §8): the
/// documentation's most common support case is a network whose DNS does not resolve it.
struct DNSReport: Sendable, Equatable {
    enum State: String, Sendable {
        /// The name resolves to the box's address.
        case ok
        /// It resolves, but not to the box's address.
        case mismatch
        /// The resolver says the name does not exist or has no address.
        case unresolved
        /// No answer: no DNS server, a failure, or no answer within the time allowed.
        case error
    }

    var name: String
    var addresses: [String]
    var state: State
    var checkedAt: Date
    /// The resolver's words when it failed, for the log and the page.
    var detail: String?
}

/// Resolves the box's HTTPS name with the system resolver, on its own thread and never on
/// an event loop, bounded in time: at start, after every stored certificate, on every address
/// change, and at least hourly (the maintenance tick asks; `checkIfDue` decides).
final class DNSCheck: Sendable {
    static let hourly: Duration = .seconds(3600)

    private struct State {
        var report: DNSReport?
        /// What the last lookup was for, so a change of name or address asks again at once.
        var target: (name: String, expected: String)?
        var lastStart: ContinuousClock.Instant?
        var running = false
        var rerun = false
    }

    private let resolve: @Sendable (String) -> NameResolution
    private let timeout: Duration
    private let now: @Sendable () -> Date
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "box.dns-check")
    /// Lookups that outlived their time and still hold a thread; no new one starts past this.
    private let lateLookups = Atomic<Int>(0)
    private let onReport: @Sendable (DNSReport) -> Void

    init(
        timeout: Duration = .seconds(5), now: @escaping @Sendable () -> Date = { Date() },
        resolve: @escaping @Sendable (String) -> NameResolution = NameResolution.system,
        onReport: @escaping @Sendable (DNSReport) -> Void = { _ in }
    ) {
        self.resolve = resolve
        self.timeout = timeout
        self.now = now
        self.onReport = onReport
    }

    /// The last report, or nil before the box has an HTTPS name.
    var report: DNSReport? { state.withLock { $0.report } }

    /// Checks `name` (nil: no certificate yet) against `expected` when it was never checked,
    /// when name or address changed, when `force` (a stored certificate), or when the last
    /// check is an hour old. Returns at once; the lookup runs on the check's own thread.
    func checkIfDue(name: String?, expected: String, force: Bool = false) {
        let starts = state.withLock { state -> Bool in
            guard let name else {
                state.report = nil
                state.target = nil
                return false
            }
            let changed = state.target.map { $0.name != name || $0.expected != expected } ?? true
            let stale = state.lastStart.map { ContinuousClock.now - $0 >= Self.hourly } ?? true
            guard changed || stale || force else { return false }
            state.target = (name, expected)
            state.lastStart = ContinuousClock.now
            if state.running {
                state.rerun = true
                return false
            }
            state.running = true
            return true
        }
        if starts { queue.async { self.runUntilSettled() } }
    }

    private func runUntilSettled() {
        while true {
            guard
                let target = state.withLock({ state -> (name: String, expected: String)? in
                    state.rerun = false
                    return state.target
                })
            else { break }
            let report = lookUp(target.name, expected: target.expected)
            let again = state.withLock { state -> Bool in
                // A lookup for a name that is no longer the box's says nothing.
                if let current = state.target, current == target { state.report = report }
                if state.rerun { return true }
                state.running = false
                return false
            }
            onReport(report)
            if !again { return }
        }
        state.withLock { $0.running = false }
    }

    private final class ThreadBody {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Runs `body` on a new detached thread (a lookup that hangs holds only that thread);
    /// false when no thread could be made.
    private static func detachThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private func lookUp(_ name: String, expected: String) -> DNSReport {
        let checkedAt = now()
        guard lateLookups.load(ordering: .relaxed) == 0 else {
            return DNSReport(
                name: name, addresses: [], state: .error, checkedAt: checkedAt,
                detail: "an earlier lookup has not finished")
        }
        let outcome = Mutex<NameResolution?>(nil)
        let done = DispatchSemaphore(value: 0)
        lateLookups.add(1, ordering: .relaxed)
        let started = Self.detachThread {
            let result = self.resolve(name)
            outcome.withLock { $0 = result }
            self.lateLookups.subtract(1, ordering: .relaxed)
            done.signal()
        }
        guard started else {
            lateLookups.subtract(1, ordering: .relaxed)
            return DNSReport(
                name: name, addresses: [], state: .error, checkedAt: checkedAt, detail: "no thread for the lookup")
        }
        let milliseconds = Int(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success,
            let result = outcome.withLock({ $0 })
        else {
            return DNSReport(
                name: name, addresses: [], state: .error, checkedAt: checkedAt,
                detail: "no answer within \(timeout)")
        }
        switch result {
        case .addresses(let addresses):
            let state: DNSReport.State = addresses.contains(expected) ? .ok : .mismatch
            return DNSReport(name: name, addresses: addresses, state: state, checkedAt: checkedAt, detail: nil)
        case .notFound(let detail):
            return DNSReport(name: name, addresses: [], state: .unresolved, checkedAt: checkedAt, detail: detail)
        case .failed(let detail):
            return DNSReport(name: name, addresses: [], state: .error, checkedAt: checkedAt, detail: detail)
        }
    }

    /// The `dns` object of `/status.json`.
    static func json(_ report: DNSReport?) -> JSONValue {
        guard let report else { return nil }
        return [
            "name": JSONValue(report.name), "addresses": .array(report.addresses.map { JSONValue($0) }),
            "state": JSONValue(report.state.rawValue),
            "checked_at": JSONValue(CertificateStatus.rfc3339(report.checkedAt)),
        ]
    }
}
