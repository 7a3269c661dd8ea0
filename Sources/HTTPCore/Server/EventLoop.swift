import CLinuxShims
import Glibc
import Synchronization

/// What epoll reported for one file descriptor.
public struct EventLoopEvents: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = EventLoopEvents(rawValue: EPOLLIN.rawValue)
    public static let writable = EventLoopEvents(rawValue: EPOLLOUT.rawValue)
    public static let hangup = EventLoopEvents(rawValue: EPOLLHUP.rawValue)
    public static let error = EventLoopEvents(rawValue: EPOLLERR.rawValue)
}

/// Receives the readiness of one registered file descriptor, on its loop's thread.
public protocol EventLoopFileHandler: AnyObject {
    func handleEvents(_ events: EventLoopEvents)
}

/// Why an event loop operation failed.
public enum EventLoopError: Error, Sendable, Equatable {
    case epollCreateFailed(errno: Int32)
    case eventfdFailed(errno: Int32)
    case controlFailed(operation: String, errno: Int32)
}

/// One epoll instance driven by one thread, in the spirit of redis' `ae.c`: file events,
/// timers, a run loop, and `execute(_:)` for other threads to hand it work.
///
/// The loop is level-triggered. Edge-triggered would save a few `epoll_ctl` calls, but it
/// forces every reader to drain the socket to `EAGAIN` or lose the wake-up; level-triggered
/// lets a connection stop reading (backpressure, a full pipeline) and pick up where it left
/// off simply by asking for `EPOLLIN` again, and one busy client cannot starve the others.
///
/// A handler may close another descriptor while events of the same batch are dispatched, and
/// the kernel may reuse its number at once; such a stale event only ever causes a spurious
/// read or write attempt, which level-triggered handlers treat as `EAGAIN`.
public final class EventLoop: @unchecked Sendable {
    // Why @unchecked is safe: everything but `pending`, `wakePending`, `stopRequested` and
    // `ownerThread` (which are a Mutex and atomics) is touched only on the loop's own thread,
    // which `assertInEventLoop()` checks in debug builds.

    private let epollFD: Int32
    private let wakeFD: Int32
    private let pending = Mutex<[@Sendable () -> Void]>([])
    private let wakePending = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    private let ownerThread = Atomic<UInt>(0)

    /// Indexed by file descriptor, like `ae.c`'s event array: a lookup is one array access.
    private var handlers: [EventLoopFileHandler?] = []
    private var interests: [UInt32] = []
    /// Indexed by file descriptor: when its handler was last given events (a count of
    /// dispatches; 0 for never), so a turn serves the descriptor that waited longest first.
    private var lastServed: [UInt64] = []
    private var dispatchCount: UInt64 = 0
    private var timers = EventLoopTimerList()

    /// The monotonic time in milliseconds, read once per loop iteration.
    public private(set) var now: UInt64 = EventLoop.monotonicMilliseconds()

    public init() throws(EventLoopError) {
        let epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw .epollCreateFailed(errno: errno) }
        let wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let code = errno
            close(epollFD)
            throw .eventfdFailed(errno: code)
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            let code = errno
            close(wakeFD)
            close(epollFD)
            throw .controlFailed(operation: "add eventfd", errno: code)
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
    }

    deinit {
        close(wakeFD)
        close(epollFD)
    }

    /// True on the thread currently running this loop.
    public var inEventLoop: Bool { ownerThread.load(ordering: .acquiring) == UInt(pthread_self()) }

    @inline(__always)
    func assertInEventLoop() {
        assert(ownerThread.load(ordering: .relaxed) == 0 || inEventLoop, "used off its event loop thread")
    }

    // MARK: File events

    public func register(fd: Int32, interest: EventLoopEvents, handler: EventLoopFileHandler) throws(EventLoopError) {
        assertInEventLoop()
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw .controlFailed(operation: "add", errno: errno)
        }
        let index = Int(fd)
        if index >= handlers.count {
            let grown = max(index + 1, handlers.count * 2, 64)
            handlers.append(contentsOf: repeatElement(nil, count: grown - handlers.count))
            interests.append(contentsOf: repeatElement(0, count: grown - interests.count))
            lastServed.append(contentsOf: repeatElement(0, count: grown - lastServed.count))
        }
        handlers[index] = handler
        interests[index] = interest.rawValue
        lastServed[index] = 0
    }

    /// Changes what `fd` is watched for; a no-op (no system call) when nothing changes.
    public func modify(fd: Int32, interest: EventLoopEvents) {
        assertInEventLoop()
        let index = Int(fd)
        guard index < interests.count, handlers[index] != nil, interests[index] != interest.rawValue else { return }
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = fd
        if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) == 0 {
            interests[index] = interest.rawValue
        }
    }

    /// Stops watching `fd`; call before closing it.
    public func unregister(fd: Int32) {
        assertInEventLoop()
        let index = Int(fd)
        guard index < handlers.count, handlers[index] != nil else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        handlers[index] = nil
        interests[index] = 0
    }

    // MARK: Timers (loop thread only)

    /// Runs `body` once after `delay`, on this loop.
    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> EventLoopTimerID {
        assertInEventLoop()
        return timers.add(due: now + delay.eventLoopMilliseconds, interval: 0, body: body)
    }

    /// Runs `body` every `interval`, on this loop, until cancelled.
    @discardableResult
    public func scheduleRepeating(every interval: Duration, _ body: @escaping () -> Void) -> EventLoopTimerID {
        assertInEventLoop()
        let step = max(interval.eventLoopMilliseconds, 1)
        return timers.add(due: now + step, interval: step, body: body)
    }

    public func cancelTimer(_ id: EventLoopTimerID) {
        assertInEventLoop()
        timers.remove(id)
    }

    // MARK: Cross-thread

    /// Runs `task` on this loop's thread soon; callable from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(task) }
        // Only the first task since the loop last drained the queue pays for the system call.
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Makes `run()` return after its current iteration; callable from any thread.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        execute {}
    }

    // MARK: Running

    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        ownerThread.store(UInt(pthread_self()), ordering: .releasing)
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        let order = UnsafeMutablePointer<(lastServed: UInt64, event: Int32)>.allocate(capacity: capacity)
        defer { order.deallocate() }
        now = EventLoop.monotonicMilliseconds()
        while !stopRequested.load(ordering: .acquiring) {
            let timeout = timers.millisecondsUntilNext(now: now).map { Int32(min($0, 60_000)) } ?? -1
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            now = EventLoop.monotonicMilliseconds()
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            var wokenUp = false
            var ready = 0
            for index in 0..<Int(count) {
                let fd = events[index].data.fd
                if fd == wakeFD {
                    wokenUp = true
                    continue
                }
                let slot = Int(fd)
                guard slot < handlers.count, handlers[slot] != nil else { continue }
                order[ready] = (lastServed[slot], Int32(index))
                ready += 1
            }
            serveLongestWaitingFirst(order, count: ready)
            for position in 0..<ready {
                let event = events[Int(order[position].event)]
                let slot = Int(event.data.fd)
                // An earlier handler of this turn may have closed the descriptor.
                guard let handler = handlers[slot] else { continue }
                dispatchCount &+= 1
                lastServed[slot] = dispatchCount
                handler.handleEvents(EventLoopEvents(rawValue: event.events))
            }
            if wokenUp { runPendingTasks() }
            for id in timers.dueIDs(now: now) {
                if let body = timers.claim(id, now: now) { body() }
            }
        }
        // Tasks queued after the last iteration still run, so no responder is lost silently.
        runPendingTasks()
    }

    /// Sorts one turn's ready descriptors by when each was last served, oldest first.
    ///
    /// Level-triggered epoll puts every descriptor it reports back on its ready list before it
    /// returns, so the next turn lists them first, and after them a descriptor that became
    /// ready while this turn was being dispatched, although its request is the older one.
    /// Served in the kernel's order, such a request waits two turns instead of one: with 50
    /// busy keep-alive connections, about one request in fifty, which is the p99 latency.
    /// Edge-triggered epoll (nginx's) lists descriptors in the order they became ready; here
    /// the least recently served goes first, which is that order for clients that answer at
    /// the same pace. The list comes nearly sorted (a few late arrivals at its end), so an
    /// insertion sort moves only those.
    private func serveLongestWaitingFirst(
        _ order: UnsafeMutablePointer<(lastServed: UInt64, event: Int32)>, count: Int
    ) {
        guard count > 1 else { return }
        for next in 1..<count {
            let item = order[next]
            var position = next
            while position > 0, order[position - 1].lastServed > item.lastServed {
                order[position] = order[position - 1]
                position -= 1
            }
            order[position] = item
        }
    }

    private func runPendingTasks() {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        wakePending.store(false, ordering: .releasing)
        let tasks = pending.withLock { queue in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for task in tasks { task() }
    }

    static func monotonicMilliseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, never negative.
    var eventLoopMilliseconds: UInt64 {
        let (seconds, attoseconds) = components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return total > 0 ? UInt64(total) : 0
    }
}
