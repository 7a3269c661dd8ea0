/// Identifies a timer of one event loop, for cancelling it.
public struct EventLoopTimerID: Hashable, Sendable {
    let value: UInt64
}

/// The few timers of one loop (date refresh, deadline sweep, shutdown grace), kept in a plain
/// array as `ae.c` does: with a handful of entries a linear scan beats any heap. Per-connection
/// deadlines are not timers: they are fields checked by a periodic sweep, so a request costs
/// no timer allocation at all.
struct EventLoopTimerList {
    private struct Entry {
        var id: UInt64
        var due: UInt64
        var interval: UInt64
        var body: () -> Void
    }

    private var entries: [Entry] = []
    private var lastID: UInt64 = 0

    mutating func add(due: UInt64, interval: UInt64, body: @escaping () -> Void) -> EventLoopTimerID {
        lastID += 1
        entries.append(Entry(id: lastID, due: due, interval: interval, body: body))
        return EventLoopTimerID(value: lastID)
    }

    mutating func remove(_ id: EventLoopTimerID) {
        entries.removeAll { $0.id == id.value }
    }

    func millisecondsUntilNext(now: UInt64) -> UInt64? {
        guard let due = entries.lazy.map(\.due).min() else { return nil }
        return due > now ? due - now : 0
    }

    /// The timers due at `now`. The loop claims each in turn, so a body that cancels another
    /// due timer stops it from running, and no body runs while the list is being mutated.
    func dueIDs(now: UInt64) -> [EventLoopTimerID] {
        entries.filter { $0.due <= now }.map { EventLoopTimerID(value: $0.id) }
    }

    /// Re-arms or removes a due timer and returns its body; nil when it was cancelled.
    mutating func claim(_ id: EventLoopTimerID, now: UInt64) -> (() -> Void)? {
        guard let index = entries.firstIndex(where: { $0.id == id.value }) else { return nil }
        let body = entries[index].body
        if entries[index].interval > 0 {
            entries[index].due = now + entries[index].interval
        } else {
            entries.remove(at: index)
        }
        return body
    }
}
