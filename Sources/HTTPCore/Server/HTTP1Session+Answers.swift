import Synchronization

/// Lets a deferred responder answer once, whichever thread calls it.
final class ServerResponderOnce: Sendable {
    private let used = Atomic<Bool>(false)

    func claim() -> Bool {
        !used.exchange(true, ordering: .acquiringAndReleasing)
    }
}

/// The files of one answer, sent in order, and how far.
struct FileStream {
    var files: [HTTPFileBody]
    var index = 0
    /// Bytes of `files[index]` already read.
    var position = 0
    /// Bytes not yet read, over all the files.
    var remaining: Int

    init(_ files: [HTTPFileBody]) {
        self.files = files
        remaining = files.reduce(0) { $0 + $1.length }
    }
}

extension HTTP1Session {
    /// Changes `slots` moved out of the session, then moves them back. Changed in place, an
    /// array may release an answer, and Swift must assume that releasing reaches this session:
    /// it then checks every access to `slots` for exclusivity at run time (reads included,
    /// several per request, about 65 instructions each). Moving the array out and back touches
    /// the property only for the moves, so its accesses are checked when compiling.
    func changeSlots(_ change: (inout [Slot]) -> Void) {
        var moved: [Slot] = []
        swap(&moved, &slots)
        defer { swap(&moved, &slots) }
        change(&moved)
    }

    /// Adds a slot behind the ones already waiting: answers leave strictly in request order.
    func enqueue(_ slot: Slot) {
        if case .ready(let response, _) = slot { queuedAnswerBytes += response.bodyLength }
        changeSlots { $0.append(slot) }
    }

    /// A deferred answer arrives, back on this loop.
    func complete(sequence: Int, with response: HTTPResponse) {
        guard channel.isOpen else { return }
        let index = sequence - firstSlotSequence
        guard index >= 0, index < slots.count, case .waiting(let facts) = slots[index] else { return }
        changeSlots { $0[index] = .ready(response, facts) }
        queuedAnswerBytes += response.bodyLength
        pump()
    }

    /// Answers are encoded only while less than this waits to be written: a client that does
    /// not read then holds one answer beyond it, not a whole pipeline of them.
    static let encodedOutputHighWater = 64 * 1024

    /// A file is being sent, or the first answer owed is ready (or an interim one): encoding
    /// can go on now.
    var hasEncodableSlot: Bool {
        if stream != nil { return true }
        guard let first = slots.first else { return false }
        if case .waiting = first { return false }
        return true
    }

    /// Encodes and writes answers until the socket is full or none is ready. Answers held
    /// back by the encoding high-water mark go as soon as output drains: no event would
    /// announce them.
    func sendAnswers() {
        while channel.isOpen {
            encodeReadySlots()
            guard channel.hasPendingOutput else { return }
            writeOutput()
            guard channel.isOpen, !channel.hasPendingOutput, hasEncodableSlot else { return }
        }
    }

    /// Encodes the slots at the head of the queue that are ready, so several pipelined answers
    /// leave in one write.
    func encodeReadySlots() {
        guard hasEncodableSlot else { return }
        channel.prepareOutput()
        guard continueStream() else { return }
        var taken = 0
        for (index, slot) in slots.enumerated() {
            if channel.pendingOutputCount >= Self.encodedOutputHighWater { break }
            switch slot {
            case .waiting:
                break
            case .interim(let bytes):
                channel.changeOutput { $0.append(contentsOf: bytes) }
                taken += 1
                continue
            case .ready(let response, var facts):
                // Shutting down: the last answer owed closes the connection.
                if worker.draining && index == slots.count - 1 { facts.keepAlive = false }
                let date = worker.date.bytes
                let serverName = worker.context.serverNameBytes
                var encoded = ServerResponseEncoder.Encoded(closes: false, streamsFiles: false)
                channel.changeOutput { output in
                    encoded = ServerResponseEncoder.encode(
                        response, for: facts, date: date, serverName: serverName, into: &output)
                }
                queuedAnswerBytes -= response.bodyLength
                taken += 1
                if encoded.closes {
                    // Nothing after a closing answer is ever sent.
                    phase = .finishing
                    for case .ready(let dropped, _) in slots[(index + 1)...] {
                        queuedAnswerBytes -= dropped.bodyLength
                    }
                    taken = slots.count
                }
                if encoded.streamsFiles {
                    stream = FileStream(response.bodyFiles)
                    guard continueStream() else { break }
                }
                if encoded.closes { break }
                continue
            }
            break
        }
        changeSlots { slots in
            // Usually every slot went (one answer at a time): emptied in place, the array keeps
            // its storage, where removing a prefix would make a new one.
            if taken == slots.count { slots.removeAll(keepingCapacity: true) } else { slots.removeFirst(taken) }
        }
        firstSlotSequence += taken
    }

    /// Reads the answer's files into the output while it is under the high-water mark; true
    /// once every file is sent (or none is being sent), false while bytes remain. A file that
    /// ends early or cannot be read closes the connection: its `Content-Length` cannot be met.
    func continueStream() -> Bool {
        guard var current = stream else { return true }
        let buffer = worker.readBuffer
        while channel.pendingOutputCount < Self.encodedOutputHighWater {
            guard current.index < current.files.count else {
                stream = nil
                return true
            }
            let file = current.files[current.index]
            guard current.position < file.length else {
                current.index += 1
                current.position = 0
                continue
            }
            let count = file.read(at: current.position, into: buffer)
            guard count > 0 else {
                stream = nil
                close()
                return false
            }
            channel.changeOutput { $0.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
            current.position += count
            current.remaining -= count
        }
        stream = current
        return false
    }

    /// Writes pending output; partial writes wait for writability with reading paused.
    func writeOutput() {
        if channel.flush() == .failed { close() }
    }

    // MARK: Deadlines

    /// Records when a request head, then its body, started arriving.
    func noteRequestProgress() {
        let now = worker.loop.now
        if parser.isReceivingBody {
            if bodyStartedAt == nil { bodyStartedAt = now }
        } else if !parser.isIdle, headStartedAt == nil {
            headStartedAt = now
        }
    }

    func updateDeadline() {
        let context = worker.context
        let (kind, at): (DeadlineKind, UInt64)
        if case .handshaking = channel.phase {
            (kind, at) = (.handshake, acceptedAt + context.handshakeTimeoutMs)
        } else if channel.hasPendingOutput || stream != nil {
            (kind, at) = (.write, channel.writeWindowStartedAt + context.writeTimeoutMs)
        } else if !slots.isEmpty {
            // A handler is still working; its own timeouts apply, and shutdown's grace caps it.
            (kind, at) = (.none, .max)
        } else if let bodyStartedAt {
            (kind, at) = (.body, bodyStartedAt + context.bodyTimeoutMs)
        } else if let headStartedAt {
            (kind, at) = (.header, headStartedAt + context.headerTimeoutMs)
        } else if !parser.isIdle {
            headStartedAt = worker.loop.now
            (kind, at) = (.header, worker.loop.now + context.headerTimeoutMs)
        } else if requestCount == 0 {
            // Not one byte yet: the header timeout runs from the accept, not the idle one.
            (kind, at) = (.header, acceptedAt + context.headerTimeoutMs)
        } else {
            (kind, at) = (.idle, channel.lastActivityAt + context.idleTimeoutMs)
        }
        deadlineKind = kind
        deadline = at
    }

    /// A slow head or body gets 408 (when nothing else is owed first); anything else closes
    /// silently.
    func deadlineExpired() {
        switch deadlineKind {
        case .write:
            // The window is over: enough went out to go on, or the reader is too slow.
            guard channel.writtenInWindow >= worker.context.minimumBytesPerWriteWindow else {
                close(reset: true)
                return
            }
            channel.startWriteWindow()
            updateDeadline()
        case .header where requestCount == 0 && parser.isIdle:
            // A connection that never sent a byte gets no answer, just the end.
            close()
        case .header, .body:
            guard isAnsweredForTimeout else {
                close()
                return
            }
            phase = .finishing
            enqueue(.ready(Self.plainAnswer(408, "request timeout"), .closing))
            encodeReadySlots()
            writeOutput()
            close()
        case .handshake, .idle, .lingering, .none:
            close()
        }
    }

    private var isAnsweredForTimeout: Bool {
        isAnswered
    }
}
