import Glibc
import HTTPCore
import Testing

/// The order in which one turn of the loop hands its ready descriptors to their handlers.
@Suite struct EventLoopOrderTests {
    /// One end of a pipe whose handler records its name, and reads what is waiting only when
    /// told to (a handler that leaves data stays ready: the loop is level-triggered).
    /// The names of the handlers in the order they ran (everything runs on the test's thread).
    final class DispatchLog {
        var names: [String] = []
    }

    final class PipeReader: EventLoopFileHandler {
        let name: String
        let readEnd: Int32
        let writeEnd: Int32
        var onEvent: () -> Void = {}
        var drains = true
        private let log: DispatchLog

        init(_ name: String, log: DispatchLog) throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
            self.name = name
            self.readEnd = ends[0]
            self.writeEnd = ends[1]
            self.log = log
        }

        deinit {
            close(readEnd)
            close(writeEnd)
        }

        func makeReady() {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }

        func handleEvents(_ events: EventLoopEvents) {
            log.names.append(name)
            if drains {
                var buffer = [UInt8](repeating: 0, count: 64)
                _ = read(readEnd, &buffer, buffer.count)
            }
            onEvent()
        }
    }

    /// A descriptor that became ready while the previous turn was being dispatched has waited
    /// longer than one the previous turn served and left ready; the kernel lists it last, the
    /// loop serves it first.
    @Test func theDescriptorServedLeastRecentlyGoesFirst() throws {
        let loop = try EventLoop()
        let log = DispatchLog()
        let first = try PipeReader("first", log: log)
        let lingering = try PipeReader("lingering", log: log)
        let late = try PipeReader("late", log: log)
        // Turn 1: "first" and "lingering" are ready. "first" makes "late" ready while the turn
        // is dispatched; "lingering" leaves its byte unread, so the kernel lists it again, ahead
        // of "late", in turn 2, which drains it. The loop ends once all three ran.
        lingering.drains = false
        first.onEvent = { late.makeReady() }
        let drainThenStopWhenDone: () -> Void = {
            let names = log.names
            if names.count > 2 { lingering.drains = true }
            if names.contains("late"), names.filter({ $0 == "lingering" }).count == 2 { loop.stop() }
        }
        lingering.onEvent = drainThenStopWhenDone
        late.onEvent = drainThenStopWhenDone
        first.makeReady()
        lingering.makeReady()
        for reader in [first, lingering, late] {
            try loop.register(fd: reader.readEnd, interest: .readable, handler: reader)
        }
        loop.schedule(after: .seconds(10)) { loop.stop() }
        loop.run()

        #expect(log.names == ["first", "lingering", "late", "lingering"])
    }
}
