import Glibc

/// One accepted connection on one worker's loop: reads bytes into the parser, hands each
/// request to the handler, and keeps the responses in request order (see
/// `ServerConnection+Responses.swift`). Handlers run on the loop and must not block it; slow
/// work returns `.deferred` and answers from another thread, which hops back here.
final class ServerConnection: EventLoopFileHandler {
    enum Phase {
        case handshaking
        case open
        /// The answers are written and the sending side is shut; what the peer still sends
        /// is read and dropped until it closes (see `ServerConnection+Lingering.swift`).
        case lingering
        case closed
    }

    /// What the current deadline guards, which decides how its expiry is answered.
    enum DeadlineKind {
        case handshake
        case header
        case body
        case write
        case idle
        case lingering
        case none
    }

    /// A response slot, in request order.
    enum Slot {
        case waiting(ServerResponseEncoder.RequestFacts)
        case ready(HTTPResponse, ServerResponseEncoder.RequestFacts)
        case interim([UInt8])
    }

    let fd: Int32
    let transport: any ConnectionTransport
    unowned let worker: ServerWorker
    let remoteAddress: String
    let localPort: Int
    let isSecure: Bool
    /// This connection's index in its worker's table, for removal in O(1).
    var slot = 0

    var phase = Phase.handshaking
    var parser: HTTPRequestParser
    var handshakeInterest = EventLoopEvents.readable

    // Responses: slots not yet encoded, and encoded bytes not yet written.
    var slots: [Slot] = []
    /// The sequence number of `slots[0]`; deferred responders address their slot by it.
    var firstSlotSequence = 0
    var output: [UInt8] = []
    var outputOffset = 0
    var requestCount = 0

    /// No further request is parsed: the last one asked to close, failed, or hit a limit.
    var stopsParsing = false
    /// The connection closes once every slot is written.
    var closesWhenWritten = false
    var peerClosedReading = false
    var readWaitsForWrite = false
    var writeWaitsForRead = false
    var parsePausedByPipeline = false

    // Deadline bookkeeping, in loop milliseconds.
    var deadline: UInt64 = .max
    var deadlineKind = DeadlineKind.none
    let acceptedAt: UInt64
    var lastActivityAt: UInt64
    var headStartedAt: UInt64?
    var bodyStartedAt: UInt64?
    var lingeringEndsAt: UInt64 = .max

    init(
        fd: Int32, transport: any ConnectionTransport, worker: ServerWorker, remoteAddress: String, localPort: Int,
        isSecure: Bool
    ) {
        self.fd = fd
        self.transport = transport
        self.worker = worker
        self.remoteAddress = remoteAddress
        self.localPort = localPort
        self.isSecure = isSecure
        parser = HTTPRequestParser(limits: worker.context.configuration.parserLimits)
        acceptedAt = worker.loop.now
        lastActivityAt = acceptedAt
    }

    /// Called once, right after the connection is registered with the loop.
    func begin() {
        driveHandshake()
        settle()
    }

    func handleEvents(_ events: EventLoopEvents) {
        switch phase {
        case .closed:
            return
        case .lingering:
            discardLingeringInput()
            return
        case .handshaking:
            driveHandshake()
        case .open:
            if events.contains(.writable) || (writeWaitsForRead && events.contains(.readable)) {
                writeOutput()
            }
            if phase == .open && (events.contains(.readable) || (readWaitsForWrite && events.contains(.writable))) {
                readWaitsForWrite = false
                if readingAllowed { readAvailable() }
            }
            // A hang-up or error the reader did not consume would wake a level-triggered
            // loop forever.
            if phase == .open && !events.isDisjoint(with: [.hangup, .error]) && !readingAllowed {
                close()
            }
        }
        settle()
    }

    private func driveHandshake() {
        switch transport.handshake() {
        case .bytes:
            phase = .open
            lastActivityAt = worker.loop.now
            // TLS may already hold application data that arrived with the last flight.
            readAvailable()
        case .wantRead:
            handshakeInterest = .readable
        case .wantWrite:
            handshakeInterest = .writable
        case .closed, .failed:
            close()
        }
    }

    /// Parsing pauses while output is pending (backpressure), while the pipeline is full, and
    /// once the connection has decided to close. It goes on after the peer stopped sending:
    /// every complete request already received is answered, as nginx does.
    var parsingAllowed: Bool {
        phase == .open && !stopsParsing && outputOffset >= output.count
            && slots.count < worker.context.configuration.maxPipelinedRequests
    }

    /// Reading also needs a peer still sending and a transport not waiting to write.
    var readingAllowed: Bool {
        parsingAllowed && !peerClosedReading && !readWaitsForWrite
    }

    /// No request received is left unanswered: none waits in the parser for room in the
    /// pipeline, or none more will be parsed. Closing before then would drop requests a
    /// half-closed client already sent.
    var hasNoRequestLeft: Bool {
        stopsParsing || !parsePausedByPipeline
    }

    /// The first answer owed is ready (or an interim one): encoding can take it now.
    var hasEncodableSlot: Bool {
        guard let first = slots.first else { return false }
        if case .waiting = first { return false }
        return true
    }

    func readAvailable() {
        let buffer = worker.readBuffer
        var rounds = 0
        while readingAllowed {
            switch transport.read(into: buffer) {
            case .bytes(let count) where count > 0:
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                parseRequests()
                rounds += 1
                // A full buffer suggests more is waiting; a few rounds, then let others run.
                guard transport.hasBufferedReadData || (count == buffer.count && rounds < 4) else { return }
            case .bytes, .wantRead:
                return
            case .wantWrite:
                readWaitsForWrite = true
                return
            case .closed:
                peerClosedReading = true
                // EOF while idle, or with half a request that can never complete: close. With
                // answers still owed, finish writing them first.
                if slots.isEmpty && outputOffset >= output.count && hasNoRequestLeft {
                    close()
                } else {
                    closesWhenWritten = true
                }
                return
            case .failed:
                close()
                return
            }
        }
    }

    /// Feeds every complete request in the parser to the handler, in order.
    func parseRequests() {
        let configuration = worker.context.configuration
        while phase == .open && !stopsParsing {
            guard slots.count < configuration.maxPipelinedRequests else {
                parsePausedByPipeline = true
                return
            }
            switch parser.next() {
            case .needMore:
                noteRequestProgress()
                return
            case .expectContinue:
                enqueue(.interim(ServerResponseEncoder.continueBytes))
            case .request(var request):
                headStartedAt = nil
                bodyStartedAt = nil
                requestCount += 1
                request.isSecure = isSecure
                request.remoteAddress = remoteAddress
                request.localPort = localPort
                let keepAlive =
                    request.keepAlive && requestCount < configuration.maxRequestsPerConnection && !worker.draining
                if !keepAlive { stopsParsing = true }
                let facts = ServerResponseEncoder.RequestFacts(
                    isHead: request.method == "HEAD", version: request.version, keepAlive: keepAlive)
                dispatch(request, facts: facts)
            case .error(let error):
                stopsParsing = true
                var headers = HTTPHeaders()
                headers.add("Content-Type", "text/plain; charset=utf-8")
                let response = HTTPResponse(
                    status: error.status, headers: headers, body: Array("\(error.reason)\n".utf8))
                enqueue(.ready(response, .init(isHead: false, version: .http1_1, keepAlive: false)))
                return
            }
        }
    }

    private func dispatch(_ request: HTTPRequest, facts: ServerResponseEncoder.RequestFacts) {
        switch worker.context.handler.handle(request) {
        case .response(let response):
            enqueue(.ready(response, facts))
        case .deferred(let work):
            let sequence = firstSlotSequence + slots.count
            enqueue(.waiting(facts))
            work(makeResponder(sequence: sequence))
        case .closeConnection:
            stopsParsing = true
            close()
        }
    }

    private func makeResponder(sequence: Int) -> HTTPResponder {
        let bound = EventLoopBound(self, loop: worker.loop)
        let once = ServerResponderOnce()
        return { response in
            guard once.claim() else { return }
            bound.execute { connection in connection.complete(sequence: sequence, with: response) }
        }
    }

    /// Brings output, interest and deadline in line with the state after any change: writes
    /// what is encoded, resumes work that paused (requests left in the parser by a full
    /// pipeline, TLS bytes read ahead, which no epoll event would announce), then closes or
    /// re-arms.
    func settle() {
        var passes = 0
        var workLeft = false
        while phase == .open {
            encodeReadySlots()
            if outputOffset < output.count { writeOutput() }
            guard phase == .open else { break }
            // Answers held back by the encoding high-water mark go as soon as output drains;
            // no event would announce them.
            if outputOffset >= output.count && hasEncodableSlot { continue }
            let resumesParsing = parsePausedByPipeline && parsingAllowed
            guard resumesParsing || (readingAllowed && transport.hasBufferedReadData) else { break }
            passes += 1
            guard passes <= 8 else {
                workLeft = true
                break
            }
            if resumesParsing {
                parsePausedByPipeline = false
                parseRequests()
            } else {
                readAvailable()
            }
        }
        guard phase != .closed else { return }
        if workLeft {
            // Let the loop's other connections run; no epoll event would bring this work
            // back, so it comes back as a task.
            let bound = EventLoopBound(self, loop: worker.loop)
            worker.loop.execute { bound.get().settleIfOpen() }
        }
        if closesWhenWritten && slots.isEmpty && outputOffset >= output.count && hasNoRequestLeft {
            closeAfterAnswers()
            return
        }
        if worker.draining && isQuiet {
            close()
            return
        }
        var interest: EventLoopEvents = []
        switch phase {
        case .handshaking:
            interest = handshakeInterest
        case .open:
            if readingAllowed || writeWaitsForRead { interest.insert(.readable) }
            if outputOffset < output.count || readWaitsForWrite { interest.insert(.writable) }
        case .lingering, .closed:
            return
        }
        worker.loop.modify(fd: fd, interest: interest)
        updateDeadline()
    }

    func settleIfOpen() {
        if phase == .open || phase == .handshaking { settle() }
    }

    /// Nothing started and nothing owed: safe to close without losing a request.
    var isQuiet: Bool {
        phase != .handshaking && slots.isEmpty && outputOffset >= output.count && parser.isIdle
    }

    /// Shutdown: close now if quiet; otherwise the current request's answer carries
    /// `Connection: close` and the connection closes after it.
    func drainIfQuiet() {
        if isQuiet || phase == .handshaking || phase == .lingering {
            close()
        } else {
            settle()
        }
    }

    func close() {
        guard phase != .closed else { return }
        // A lingering connection has already shut its transport.
        if phase != .lingering { transport.shutdown() }
        phase = .closed
        worker.loop.unregister(fd: fd)
        // Unread request bytes would make close() send a reset that can destroy the response
        // still in flight to the client; one non-blocking read discards what is there.
        _ = recv(fd, worker.readBuffer.baseAddress, worker.readBuffer.count, Int32(MSG_DONTWAIT))
        Glibc.close(fd)
        output = []
        slots = []
        worker.connectionClosed(self)
    }
}
