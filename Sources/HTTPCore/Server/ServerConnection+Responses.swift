import Synchronization

/// Lets a deferred responder answer once, whichever thread calls it.
final class ServerResponderOnce: Sendable {
    private let used = Atomic<Bool>(false)

    func claim() -> Bool {
        !used.exchange(true, ordering: .acquiringAndReleasing)
    }
}

extension ServerConnection {
    /// Adds a slot behind the ones already waiting: answers leave strictly in request order.
    func enqueue(_ slot: Slot) {
        slots.append(slot)
    }

    /// A deferred answer arrives, back on this loop.
    func complete(sequence: Int, with response: HTTPResponse) {
        guard phase == .open else { return }
        let index = sequence - firstSlotSequence
        guard index >= 0, index < slots.count, case .waiting(let facts) = slots[index] else { return }
        slots[index] = .ready(response, facts)
        settle()
    }

    /// Answers are encoded only while less than this waits to be written: a client that does
    /// not read then holds one answer beyond it, not a whole pipeline of them.
    static let encodedOutputHighWater = 64 * 1024

    /// Encodes the slots at the head of the queue that are ready, so several pipelined answers
    /// leave in one write.
    func encodeReadySlots() {
        guard let first = slots.first else { return }
        if case .waiting = first { return }
        if outputOffset >= output.count {
            output.removeAll(keepingCapacity: output.capacity <= 256 * 1024)
            outputOffset = 0
            lastActivityAt = worker.loop.now
        }
        var taken = 0
        for (index, slot) in slots.enumerated() {
            if output.count - outputOffset >= Self.encodedOutputHighWater { break }
            switch slot {
            case .waiting:
                break
            case .interim(let bytes):
                output.append(contentsOf: bytes)
                taken += 1
                continue
            case .ready(let response, var facts):
                // Shutting down: the last answer owed closes the connection.
                if worker.draining && index == slots.count - 1 { facts.keepAlive = false }
                let closes = ServerResponseEncoder.encode(
                    response, for: facts, date: worker.date.bytes, serverName: worker.context.serverNameBytes,
                    into: &output)
                taken += 1
                if closes {
                    // Nothing after a closing answer is ever sent.
                    closesWhenWritten = true
                    stopsParsing = true
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

    /// Writes pending output; partial writes wait for EPOLLOUT with reading paused.
    func writeOutput() {
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { bytes in
                transport.write(UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                guard count > 0 else { return }
                outputOffset += count
                writeWaitsForRead = false
                lastActivityAt = worker.loop.now
            case .wantWrite:
                writeWaitsForRead = false
                return
            case .wantRead:
                writeWaitsForRead = true
                return
            case .closed, .failed:
                close()
                return
            }
        }
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
        if phase == .handshaking {
            (kind, at) = (.handshake, acceptedAt + context.handshakeTimeoutMs)
        } else if outputOffset < output.count {
            (kind, at) = (.write, lastActivityAt + context.writeTimeoutMs)
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
            (kind, at) = (.idle, lastActivityAt + context.idleTimeoutMs)
        }
        deadlineKind = kind
        deadline = at
    }

    /// A slow head or body gets 408 (when nothing else is owed first); anything else closes
    /// silently.
    func deadlineExpired() {
        switch deadlineKind {
        case .header, .body:
            guard slots.isEmpty, outputOffset >= output.count else {
                close()
                return
            }
            stopsParsing = true
            var headers = HTTPHeaders()
            headers.add("Content-Type", "text/plain; charset=utf-8")
            let response = HTTPResponse(status: 408, headers: headers, body: Array("request timeout\n".utf8))
            enqueue(.ready(response, .init(isHead: false, version: .http1_1, keepAlive: false)))
            encodeReadySlots()
            writeOutput()
            close()
        case .handshake, .write, .idle, .lingering, .none:
            close()
        }
    }
}
