/// The HTTP/1 side of one accepted connection on one worker's loop: feeds the bytes its
/// channel reads to the parser, hands each request to the handler, and writes the answers in
/// request order (see `HTTP1Session+Answers.swift`). Handlers run on the loop and must not
/// block it; slow work returns `.deferred` and answers from another thread, which hops back
/// here.
///
/// The state is two small machines: the channel's (`ConnectionChannel.Phase`: handshaking,
/// open, lingering, closed; its input open, waiting for writability, or ended) and the
/// session's own `Phase` below. Every event ends in `pump()`, which moves answers out, resumes
/// work no event would announce, then closes or re-arms the channel.
final class HTTP1Session: EventLoopFileHandler {
    enum Phase: Equatable {
        /// Requests are taken as they arrive.
        case parsing
        /// The pipeline is full (`maxPipelinedRequests` answers owed, or
        /// `maxBufferedAnswerBytes` held): requests may wait in the parser until answers leave.
        case waitingForRoom
        /// No further request will be taken (the last one asked to close, failed, hit a limit,
        /// or the server is closing it); the connection ends once its answers are written.
        case finishing
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

    /// An answer owed, in request order.
    enum Slot {
        case waiting(ServerResponseEncoder.RequestFacts)
        case ready(HTTPResponse, ServerResponseEncoder.RequestFacts)
        case interim([UInt8])
    }

    let channel: ConnectionChannel
    unowned let worker: ServerWorker
    /// This session's index in its worker's table, for removal in O(1).
    var tableIndex = 0
    /// Counted among its client's open connections (`maxConnectionsPerClient`).
    var holdsClientSlot = true

    var phase = Phase.parsing
    var parser: HTTPRequestParser

    /// Answers not yet encoded. Changed only through `changeSlots`.
    var slots: [Slot] = []
    /// The files of the answer being sent, read into the output as it drains.
    var stream: FileStream?
    /// Body bytes of the ready answers in `slots` (files counted at their length).
    var queuedAnswerBytes = 0
    /// The sequence number of `slots[0]`; deferred responders address their slot by it.
    var firstSlotSequence = 0
    var requestCount = 0

    // Deadline bookkeeping, in loop milliseconds.
    var deadline: UInt64 = .max
    var deadlineKind = DeadlineKind.none
    let acceptedAt: UInt64
    var headStartedAt: UInt64?
    var bodyStartedAt: UInt64?

    // The configuration's limits that each request reads, copied once: reaching the
    // configuration through the unowned worker takes a strong retain and two releases, and
    // `hasRoom` is asked several times per request.
    private let maxPipelinedRequests: Int
    private let maxBufferedAnswerBytes: Int
    private let maxRequestsPerConnection: Int

    init(channel: ConnectionChannel, worker: ServerWorker) {
        self.channel = channel
        self.worker = worker
        let configuration = worker.context.configuration
        parser = HTTPRequestParser(limits: configuration.parserLimits)
        acceptedAt = worker.loop.now
        maxPipelinedRequests = configuration.maxPipelinedRequests
        maxBufferedAnswerBytes = configuration.maxBufferedAnswerBytes
        maxRequestsPerConnection = configuration.maxRequestsPerConnection
    }

    /// Called once, right after the connection is registered with the loop.
    func begin() {
        driveHandshake()
        pump()
    }

    func handleEvents(_ events: EventLoopEvents) {
        switch channel.phase {
        case .closed:
            return
        case .lingering:
            if channel.discardLingeringInput() {
                deadlineKind = .lingering
                deadline = channel.lingeringDeadline
            } else {
                close()
            }
            return
        case .handshaking:
            driveHandshake()
        case .open:
            if events.contains(.writable) || (channel.outputWaitsFor == .readable && events.contains(.readable)) {
                writeOutput()
            }
            if channel.isOpen
                && (events.contains(.readable) || (channel.input == .waitsForWritable && events.contains(.writable)))
            {
                channel.resumeInput()
                if readingAllowed { readAvailable() }
            }
            // A hang-up or error the reader did not consume would wake a level-triggered
            // loop forever.
            if channel.isOpen && !events.isDisjoint(with: [.hangup, .error]) && !readingAllowed {
                close()
            }
        }
        pump()
    }

    private func driveHandshake() {
        switch channel.handshake() {
        case .done:
            // TLS may already hold application data that arrived with the last flight.
            readAvailable()
        case .waiting:
            break
        case .failed:
            close()
        }
    }

    /// The pipeline has room for one more request: fewer answers owed than the pipelining
    /// limit, and fewer answer bytes held than `maxBufferedAnswerBytes`.
    private var hasRoom: Bool {
        slots.count < maxPipelinedRequests && heldAnswerBytes < maxBufferedAnswerBytes
    }

    /// Answer bytes this connection holds or will read: queued bodies, encoded output not yet
    /// written, and the rest of a file being sent.
    var heldAnswerBytes: Int {
        queuedAnswerBytes + channel.pendingOutputCount + (stream?.remaining ?? 0)
    }

    /// Parsing pauses while output is pending (backpressure), while the pipeline is full, and
    /// once the session is finishing. It goes on after the peer stopped sending: every
    /// complete request already received is answered, as nginx does.
    var parsingAllowed: Bool {
        channel.isOpen && phase != .finishing && !channel.hasPendingOutput && hasRoom
    }

    /// Reading also needs a peer still sending and a transport not waiting to write.
    var readingAllowed: Bool {
        parsingAllowed && channel.input == .open
    }

    /// No request received is left unanswered: none waits in the parser for room in the
    /// pipeline, or none more will be parsed. Closing before then would drop requests a
    /// half-closed client already sent.
    private var hasNoRequestLeft: Bool {
        phase != .waitingForRoom
    }

    /// Every answer owed is written.
    var isAnswered: Bool {
        slots.isEmpty && stream == nil && !channel.hasPendingOutput
    }

    func readAvailable() {
        var rounds = 0
        while readingAllowed {
            switch channel.read(into: &parser) {
            case .bytes(let count):
                parseRequests()
                rounds += 1
                // A full buffer suggests more is waiting; a few rounds, then let others run.
                guard channel.transport.hasBufferedReadData || (count == worker.readBuffer.count && rounds < 4)
                else { return }
            case .drained:
                return
            case .ended:
                // EOF while idle, or with half a request that can never complete: close. With
                // answers still owed, they are written first (see `pump`).
                if isAnswered && hasNoRequestLeft { close() }
                return
            case .failed:
                close()
                return
            }
        }
    }

    /// Feeds every complete request in the parser to the handler, in order.
    func parseRequests() {
        while channel.isOpen && phase != .finishing {
            guard hasRoom else {
                phase = .waitingForRoom
                return
            }
            phase = .parsing
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
                request.isSecure = channel.isSecure
                request.remoteAddress = channel.remoteAddress
                request.localPort = channel.localPort
                let keepAlive =
                    request.keepAlive && requestCount < maxRequestsPerConnection && !worker.draining
                if !keepAlive { phase = .finishing }
                let facts = ServerResponseEncoder.RequestFacts(
                    isHead: request.method == "HEAD", version: request.version, keepAlive: keepAlive)
                dispatch(request, facts: facts)
            case .error(let error):
                phase = .finishing
                enqueue(.ready(Self.plainAnswer(error.status, error.reason), .closing))
                return
            }
        }
    }

    static func plainAnswer(_ status: Int, _ text: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain; charset=utf-8")
        return HTTPResponse(status: status, headers: headers, body: Array("\(text)\n".utf8))
    }

    private func dispatch(_ request: HTTPRequest, facts: ServerResponseEncoder.RequestFacts) {
        switch worker.handler.handle(request) {
        case .response(let response):
            enqueue(.ready(response, facts))
        case .deferred(let work):
            let sequence = firstSlotSequence + slots.count
            enqueue(.waiting(facts))
            work(makeResponder(sequence: sequence))
        case .closeConnection:
            phase = .finishing
            close()
        }
    }

    private func makeResponder(sequence: Int) -> HTTPResponder {
        let bound = EventLoopBound(self, loop: worker.loop)
        let once = ServerResponderOnce()
        return { response in
            guard once.claim() else { return }
            bound.execute { session in session.complete(sequence: sequence, with: response) }
        }
    }

    /// Brings output, interest and deadline in line with the state after any change: moves
    /// answers out, resumes the work no epoll event would announce (requests left in the
    /// parser by a full pipeline, TLS bytes read ahead), then closes or re-arms. Each step
    /// does bounded work; work still left afterwards comes back as a loop task, so the loop's
    /// other connections run in between.
    func pump() {
        guard channel.isOpen else {
            if case .handshaking = channel.phase { rearm() }
            return
        }
        sendAnswers()
        if phase == .waitingForRoom && parsingAllowed {
            phase = .parsing
            parseRequests()
            sendAnswers()
        }
        if readingAllowed && channel.transport.hasBufferedReadData {
            readAvailable()
            sendAnswers()
        }
        guard channel.isOpen else { return }
        let resumable = phase == .waitingForRoom && parsingAllowed
        if resumable || (readingAllowed && channel.transport.hasBufferedReadData) {
            let bound = EventLoopBound(self, loop: worker.loop)
            worker.loop.execute { bound.get().pumpIfOpen() }
        }
        let noMoreInput = phase == .finishing || (channel.input == .ended && hasNoRequestLeft)
        if isAnswered && noMoreInput {
            closeAfterAnswers()
            return
        }
        if worker.draining && isQuiet {
            close()
            return
        }
        rearm()
    }

    private func rearm() {
        worker.loop.modify(fd: channel.fd, interest: channel.interest(wantsInput: readingAllowed))
        updateDeadline()
    }

    func pumpIfOpen() {
        switch channel.phase {
        case .open, .handshaking: pump()
        case .lingering, .closed: break
        }
    }

    /// Nothing started and nothing owed: safe to close without losing a request.
    var isQuiet: Bool {
        channel.isOpen && isAnswered && parser.isIdle
    }

    /// Shutdown: close now if quiet; otherwise the current request's answer carries
    /// `Connection: close` and the connection closes after it.
    func drainIfQuiet() {
        if isQuiet || !channel.isOpen {
            close()
        } else {
            pump()
        }
    }

    /// Called once every answer owed is written and nothing more will be taken.
    private func closeAfterAnswers() {
        changeSlots { $0 = [] }
        stream = nil
        guard !worker.draining, channel.beginLingering() else {
            close()
            return
        }
        // Answered and on its way out: no longer one of its client's open connections, so a
        // client that reconnects (after `maxRequestsPerConnection`) is not refused meanwhile.
        worker.releaseClientSlot(of: self)
        handleEvents([])
    }

    /// Closes; `reset` drops unsent bytes with a reset (a reader too slow to wait for).
    func close(reset: Bool = false) {
        guard channel.phase != .closed else { return }
        if reset { channel.abort() } else { channel.close() }
        changeSlots { $0 = [] }
        stream = nil
        queuedAnswerBytes = 0
        worker.connectionClosed(self)
    }
}

extension ServerResponseEncoder.RequestFacts {
    /// For an answer the server makes itself before closing (a parse error, a timeout).
    static let closing = Self(isHead: false, version: .http1_1, keepAlive: false)
}
