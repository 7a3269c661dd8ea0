import Foundation
import Glibc
import Synchronization
import TestSupport

/// A minimal CONNECT proxy on 127.0.0.1 for client tests: it either refuses with a status, or
/// opens the tunnel to 127.0.0.1 on the requested port and relays bytes both ways. One
/// connection at a time; `stop()` ends the thread and closes every socket.
final class ClientTestProxy: Sendable {
    enum Behaviour: Sendable {
        case refuse(status: Int)
        case tunnel
    }

    let port: Int
    private let listener: Int32
    private let wakeReader: Int32
    private let wakeWriter: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let requestLines = Mutex<[String]>([])

    init(behaviour: Behaviour) throws {
        signal(SIGPIPE, SIG_IGN)
        let (listener, port) = try TestSockets.listen(backlog: 8)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw TestSockets.Failure.systemCall("pipe") }
        self.listener = listener
        self.port = port
        wakeReader = ends[0]
        wakeWriter = ends[1]
        let thread = Thread { [self] in
            while wait(for: [listener]) != nil {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    handle(client, behaviour: behaviour)
                    close(client)
                }
            }
            finished.signal()
        }
        thread.start()
    }

    /// The first line of every request the proxy received.
    var receivedRequestLines: [String] { requestLines.withLock { $0 } }

    func stop() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWriter, &byte, 1)
        finished.wait()
        close(listener)
        close(wakeReader)
        close(wakeWriter)
    }

    private func handle(_ client: Int32, behaviour: Behaviour) {
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !head.containsHeadEnd {
            guard wait(for: [client]) != nil else { return }
            let count = recv(client, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            head += chunk[0..<count]
        }
        let requestLine = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")[0]
        requestLines.withLock { $0.append(requestLine) }
        switch behaviour {
        case .refuse(let status):
            send(client, "HTTP/1.1 \(status) Refused\r\nContent-Length: 0\r\n\r\n")
        case .tunnel:
            let parts = requestLine.split(separator: " ")
            guard parts.count == 3, parts[0] == "CONNECT", let colon = parts[1].lastIndex(of: ":"),
                let targetPort = Int(parts[1][parts[1].index(after: colon)...]),
                let upstream = try? TestSockets.connect(port: targetPort)
            else {
                send(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            }
            defer { close(upstream) }
            send(client, "HTTP/1.1 200 Connection Established\r\n\r\n")
            relay(client, upstream)
        }
    }

    private func relay(_ first: Int32, _ second: Int32) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while let ready = wait(for: [first, second]) {
            let destination = ready == first ? second : first
            let count = recv(ready, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            guard Glibc.send(destination, chunk, count, Int32(MSG_NOSIGNAL)) == count else { return }
        }
    }

    private func send(_ socket: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = Glibc.send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL))
    }

    /// The first of `descriptors` that became readable (or closed), or nil once `stop()` was called.
    private func wait(for descriptors: [Int32]) -> Int32? {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        fds.append(pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0))
        while true {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0, fds.last!.revents == 0 else { return nil }
            return fds.first { $0.revents != 0 }?.fd
        }
    }
}
