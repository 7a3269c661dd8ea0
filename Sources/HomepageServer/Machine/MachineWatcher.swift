import Synchronization

/// The box's machine facts, kept current: a DHCP lease that moves the box to a new address
/// reaches the Host check, the pages and `/status.json` at the next `refresh()`, which the
/// box's maintenance tick calls every `HomepageApp.maintenanceInterval` (well under 5 s).
final class MachineWatcher: Sendable {
    private struct State {
        var info: MachineInfo
        /// Bumped on every change, so what is derived from the facts (the Host policy) can
        /// tell it is stale with one integer comparison.
        var generation: Int
    }

    private let read: @Sendable () -> MachineInfo
    private let state: Mutex<State>

    init(read: @escaping @Sendable () -> MachineInfo = { MachineInfo.current() }) {
        self.read = read
        state = Mutex(State(info: read(), generation: 0))
    }

    var current: MachineInfo { state.withLock { $0.info } }

    /// Bumped on every change of the facts.
    var generation: Int { state.withLock { $0.generation } }

    /// The facts with the generation they belong to, read together.
    var snapshot: (info: MachineInfo, generation: Int) { state.withLock { ($0.info, $0.generation) } }

    /// Reads the facts again (one `getifaddrs`); returns the old and new facts when they changed.
    @discardableResult
    func refresh() -> (old: MachineInfo, new: MachineInfo)? {
        let fresh = read()
        return state.withLock { state in
            guard state.info != fresh else { return nil }
            let old = state.info
            state.info = fresh
            state.generation += 1
            return (old, fresh)
        }
    }
}
