import Glibc

/// Lingering close, as nginx does it: a client may still be sending when its last answer is
/// written (the body of a request refused with 413, requests pipelined after one that asked
/// to close). Closing a socket with unread bytes makes the kernel send a reset instead of a
/// FIN, and a reset can make the client drop the answer before reading it, or fail its upload
/// with "connection reset" instead of showing the status. So the sending side is shut first
/// (the client sees the end of the answer), and what arrives is read and dropped until the
/// client closes or the lingering limits pass.
extension ServerConnection {
    /// Called once every answer owed is written and nothing more will be parsed.
    func closeAfterAnswers() {
        guard phase == .open, !peerClosedReading, !worker.draining else {
            close()
            return
        }
        transport.shutdown()
        guard Glibc.shutdown(fd, Int32(SHUT_WR)) == 0 else {
            close()
            return
        }
        phase = .lingering
        output = []
        outputOffset = 0
        slots = []
        let now = worker.loop.now
        lastActivityAt = now
        lingeringEndsAt = now + worker.context.lingeringTimeMs
        worker.loop.modify(fd: fd, interest: .readable)
        discardLingeringInput()
    }

    /// Reads and drops what has arrived; closes at the client's end of stream or on an error.
    /// A few reads per wake-up, so a fast sender cannot hold the loop; the level-triggered
    /// loop calls again while bytes remain.
    func discardLingeringInput() {
        guard phase == .lingering else { return }
        let buffer = worker.readBuffer
        for _ in 0..<4 {
            let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                lastActivityAt = worker.loop.now
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { break }
            close()
            return
        }
        deadlineKind = .lingering
        deadline = min(lingeringEndsAt, lastActivityAt + worker.context.lingeringTimeoutMs)
    }
}
