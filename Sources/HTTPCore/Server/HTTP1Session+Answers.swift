import Synchronization

/// Lets a deferred responder answer once, whichever thread calls it.
final class ServerResponderOnce: Sendable {
    private let used = Atomic<Bool>(false)

    func claim() -> Bool {
        !used.exchange(true, ordering: .acquiringAndReleasing)
    }
}

extension HTTP1Session {
    /// Adds a slot behind the ones already waiting: answers leave strictly in request order.
    func enqueue(_ slot: Slot) {
        slots.append(slot)
    }

    /// A deferred answer arrives, back on this loop.
    func complete(sequence: Int, with response: HTTPResponse) {
        guard channel.isOpen else { return }
        let index = sequence - firstSlotSequence
        guard index >= 0, index < slots.count, case .waiting(let facts) = slots[index] else { return }
        slots[index] = .ready(response, facts)
        pump()
    }

    /// Answers are encoded only while less than this waits to be written: a client that does
    /// not read then holds one answer beyond it, not a whole pipeline of them.
    static let encodedOutputHighWater = 64 * 1024

    /// The first answer owed is ready (or an interim one): encoding can take it now.
    var hasEncodableSlot: Bool {
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
        var taken = 0
        for (index, slot) in slots.enumerated() {
            if channel.pendingOutputCount >= Self.encodedOutputHighWater { break }
            switch slot {
            case .waiting:
                break
            case .interim(let bytes):
                channel.output.append(contentsOf: bytes)
                taken += 1
                continue
            case .ready(let response, var facts):
                // Shutting down: the last answer owed closes the connection.
                if worker.draining && index == slots.count - 1 { facts.keepAlive = false }
                let closes = ServerResponseEncoder.encode(
                    response, for: facts, date: worker.date.bytes, serverName: worker.context.serverNameBytes,
                    into: &channel.output)
                taken += 1
                if closes {
                    // Nothing after a closing answer is ever sent.
                    phase = .finishing
                    taken = slots.count
                    break
                }
                continue
            }
            break
        }
        slots.removeFirst(taken)
        firstSlotSequence += taken
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
        } else if channel.hasPendingOutput {
            (kind, at) = (.write, channel.lastActivityAt + context.writeTimeoutMs)
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
        case .handshake, .write, .idle, .lingering, .none:
            close()
        }
    }

    private var isAnsweredForTimeout: Bool {
        slots.isEmpty && !channel.hasPendingOutput
    }
}
