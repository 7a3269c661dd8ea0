import Glibc

/// The transport side of one accepted connection: the socket and its transport (plain or
/// TLS), the encoded bytes waiting to be written, and the lingering close. It knows nothing
/// of HTTP; the session (`HTTP1Session`) decides what to read, what to write and when to end.
final class ConnectionChannel {
    enum Phase: Equatable {
        /// The transport's handshake runs; it waits for the socket to become readable or
        /// writable.
        case handshaking(waitsFor: EventLoopEvents)
        case open
        /// The answers are written and the sending side is shut; what the peer still sends is
        /// read and dropped until it closes (see `beginLingering`).
        case lingering(endsAt: UInt64)
        case closed
    }

    /// The receiving direction.
    enum Input: Equatable {
        case open
        /// The transport must write before it can read again (TLS): readiness to write
        /// resumes reading.
        case waitsForWritable
        /// The peer sent its end of stream (or reset).
        case ended
    }

    enum HandshakeOutcome {
        case done
        case waiting
        case failed
    }

    enum ReadOutcome {
        /// This many bytes went to the parser.
        case bytes(Int)
        /// Nothing more for now.
        case drained
        case ended
        case failed
    }

    let fd: Int32
    let transport: any ConnectionTransport
    unowned let worker: ServerWorker
    let remoteAddress: String
    let localPort: Int
    let isSecure: Bool

    private(set) var phase = Phase.handshaking(waitsFor: .readable)
    private(set) var input = Input.open

    /// Encoded answers; bytes before `outputOffset` are written. Changed only through
    /// `changeOutput`.
    private(set) var output: [UInt8] = []
    private(set) var outputOffset = 0
    /// What pending output waits for: writability, or readability when TLS must read first.
    private(set) var outputWaitsFor = EventLoopEvents.writable
    /// Loop time of the last byte moved in either direction.
    private(set) var lastActivityAt: UInt64
    /// The current write window (see `HTTPServerConfiguration.writeTimeout`): when it began
    /// and how many bytes left in it.
    private(set) var writeWindowStartedAt: UInt64
    private(set) var writtenInWindow = 0

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
        lastActivityAt = worker.loop.now
        writeWindowStartedAt = lastActivityAt
    }

    var isOpen: Bool { phase == .open }
    var hasPendingOutput: Bool { outputOffset < output.count }

    /// Changes `output` moved out of the channel, then moves it back: changed in place (an
    /// append may release the old storage), Swift would check every access to `output` for
    /// exclusivity at run time, reads included, several per request (see
    /// `HTTP1Session.changeSlots`).
    func changeOutput(_ change: (inout [UInt8]) -> Void) {
        var moved: [UInt8] = []
        swap(&moved, &output)
        defer { swap(&moved, &output) }
        change(&moved)
    }
    var pendingOutputCount: Int { output.count - outputOffset }

    func handshake() -> HandshakeOutcome {
        switch transport.handshake() {
        case .bytes:
            phase = .open
            lastActivityAt = worker.loop.now
            return .done
        case .wantRead:
            phase = .handshaking(waitsFor: .readable)
            return .waiting
        case .wantWrite:
            phase = .handshaking(waitsFor: .writable)
            return .waiting
        case .closed, .failed:
            return .failed
        }
    }

    /// One read from the transport into the parser.
    func read(into parser: inout HTTPRequestParser) -> ReadOutcome {
        let buffer = worker.readBuffer
        switch transport.read(into: buffer) {
        case .bytes(let count) where count > 0:
            parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            return .bytes(count)
        case .bytes, .wantRead:
            return .drained
        case .wantWrite:
            input = .waitsForWritable
            return .drained
        case .closed:
            input = .ended
            return .ended
        case .failed:
            return .failed
        }
    }

    /// The socket became writable while reading waited for it.
    func resumeInput() {
        if input == .waitsForWritable { input = .open }
    }

    /// Makes room for new answers once everything before has been written. Output that
    /// starts after the last write window has ended starts a new window.
    func prepareOutput() {
        guard outputOffset >= output.count else { return }
        changeOutput { $0.removeAll(keepingCapacity: $0.capacity <= 256 * 1024) }
        outputOffset = 0
        let now = worker.loop.now
        lastActivityAt = now
        if now >= writeWindowStartedAt + worker.context.writeTimeoutMs { startWriteWindow() }
    }

    func startWriteWindow() {
        writeWindowStartedAt = worker.loop.now
        writtenInWindow = 0
    }

    enum FlushOutcome {
        case drained
        case pending
        case failed
    }

    /// Writes pending output until it is all written or the transport would block.
    func flush() -> FlushOutcome {
        while outputOffset < output.count {
            let offset = outputOffset
            let result = output.withUnsafeBytes { bytes in
                transport.write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            }
            switch result {
            case .bytes(let count):
                guard count > 0 else { return .pending }
                outputOffset += count
                writtenInWindow += count
                outputWaitsFor = .writable
                lastActivityAt = worker.loop.now
            case .wantWrite:
                outputWaitsFor = .writable
                return .pending
            case .wantRead:
                outputWaitsFor = .readable
                return .pending
            case .closed, .failed:
                return .failed
            }
        }
        return .drained
    }

    /// The epoll interest for the phase; `wantsInput` is the session's wish to read.
    func interest(wantsInput: Bool) -> EventLoopEvents {
        switch phase {
        case .handshaking(let waitsFor):
            return waitsFor
        case .open:
            var interest: EventLoopEvents = []
            if wantsInput { interest.insert(.readable) }
            if hasPendingOutput && outputWaitsFor == .readable { interest.insert(.readable) }
            if hasPendingOutput || input == .waitsForWritable { interest.insert(.writable) }
            return interest
        case .lingering:
            return .readable
        case .closed:
            return []
        }
    }

    // MARK: Lingering close

    /// Lingering close, as nginx does it: a client may still be sending when its last answer
    /// is written (the body of a request refused with 413, requests pipelined after one that
    /// asked to close). Closing a socket with unread bytes makes the kernel send a reset
    /// instead of a FIN, and a reset can make the client drop the answer before reading it,
    /// or fail its upload with "connection reset" instead of showing the status. So the
    /// sending side is shut first (the client sees the end of the answer), and what arrives
    /// is read and dropped until the client closes or the lingering limits pass.
    ///
    /// Returns false when lingering is pointless or impossible: the caller closes.
    func beginLingering() -> Bool {
        guard phase == .open, input != .ended else { return false }
        transport.shutdown()
        guard Glibc.shutdown(fd, Int32(SHUT_WR)) == 0 else { return false }
        let now = worker.loop.now
        phase = .lingering(endsAt: now + worker.context.lingeringTimeMs)
        changeOutput { $0 = [] }
        outputOffset = 0
        lastActivityAt = now
        worker.loop.modify(fd: fd, interest: .readable)
        return true
    }

    /// Reads and drops what has arrived; false at the client's end of stream or on an error.
    /// A few reads per wake-up, so a fast sender cannot hold the loop; the level-triggered
    /// loop calls again while bytes remain.
    func discardLingeringInput() -> Bool {
        let buffer = worker.readBuffer
        for _ in 0..<4 {
            let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                lastActivityAt = worker.loop.now
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return true }
            return false
        }
        return true
    }

    /// When lingering ends: at its overall limit, or after a quiet spell.
    var lingeringDeadline: UInt64 {
        guard case .lingering(let endsAt) = phase else { return .max }
        return min(endsAt, lastActivityAt + worker.context.lingeringTimeoutMs)
    }

    /// Closes with a reset instead of a FIN (nginx's `reset_timedout_connection`): the kernel
    /// drops what still waits in the socket's send buffer at once instead of trying to
    /// deliver it to a reader that has shown it will not take it.
    func abort() {
        guard phase != .closed else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        guard phase != .closed else { return }
        // A lingering connection has already shut its transport.
        if case .lingering = phase {} else { transport.shutdown() }
        phase = .closed
        worker.loop.unregister(fd: fd)
        // Unread request bytes would make close() send a reset that can destroy the response
        // still in flight to the client; one non-blocking read discards what is there.
        _ = recv(fd, worker.readBuffer.baseAddress, worker.readBuffer.count, Int32(MSG_DONTWAIT))
        Glibc.close(fd)
        changeOutput { $0 = [] }
        outputOffset = 0
    }
}
