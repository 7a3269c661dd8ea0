/// Carries a loop-confined object (a connection, a worker) through a `@Sendable` closure back
/// to its own loop, e.g. from a deferred responder on another thread.
struct EventLoopBound<Value: AnyObject>: @unchecked Sendable {
    // Why @unchecked is safe: `value` can only be reached through `get()`, which traps unless
    // called on the owning loop's thread, so the object is never used from two threads.
    private let value: Value
    let loop: EventLoop

    init(_ value: Value, loop: EventLoop) {
        self.value = value
        self.loop = loop
    }

    func get() -> Value {
        precondition(loop.inEventLoop, "a loop-bound value was used off its loop")
        return value
    }

    /// Runs `body` with the value on its loop.
    func execute(_ body: @escaping @Sendable (Value) -> Void) {
        let bound = self
        loop.execute { body(bound.get()) }
    }
}
