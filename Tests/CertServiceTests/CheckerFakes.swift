import Dispatch
import Foundation
import Logging
import Synchronization

@testable import CertService

/// Certificates as plain text so checker tests need no crypto:
/// `FAKECERT cn=… nb=<epoch> na=<epoch> key=<id>` with key `FAKEKEY <id>`.
struct FakeCertificateInspector: CertificateInspecting {
    static func chain(cn: String, notBefore: Date, notAfter: Date, keyID: String) -> String {
        "FAKECERT cn=\(cn) nb=\(Int(notBefore.timeIntervalSince1970)) na=\(Int(notAfter.timeIntervalSince1970)) key=\(keyID)"
    }

    static func key(_ id: String) -> String { "FAKEKEY \(id)" }

    func inspect(chainPEM: String, keyPEM: String) throws(CertificateInspectionError) -> CertificateFacts {
        guard chainPEM.hasPrefix("FAKECERT ") else { throw .certificateUnreadable("no PEM block") }
        var fields: [String: String] = [:]
        for part in chainPEM.dropFirst(9).split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let cn = fields["cn"], let start = fields["nb"].flatMap(Double.init),
            let end = fields["na"].flatMap(Double.init), let keyID = fields["key"]
        else { throw .certificateUnreadable("missing fields") }
        guard keyPEM.hasPrefix("FAKEKEY ") else { throw .keyUnreadable("no PEM block") }
        return CertificateFacts(
            subjectCommonName: cn, notBefore: Date(timeIntervalSince1970: start),
            notAfter: Date(timeIntervalSince1970: end), dnsNames: [cn], keyMatches: keyPEM == Self.key(keyID))
    }
}

/// Records every request and answers with `respond`; with `holdRequests`, each request
/// blocks until `release()`.
final class FakeProvisioningTransport: ProvisioningTransport {
    typealias Responder =
        @Sendable (_ url: String, _ body: String) throws(ProvisioningTransportFailure) ->
        ProvisioningResponse
    private let responder: Mutex<Responder>
    private let log = Mutex<[(url: String, body: String)]>([])
    private let gate: DispatchSemaphore?
    private let arrived = DispatchSemaphore(value: 0)

    init(holdRequests: Bool = false, respond: @escaping Responder) {
        responder = Mutex(respond)
        gate = holdRequests ? DispatchSemaphore(value: 0) : nil
    }

    func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse {
        let body = String(decoding: jsonBody, as: UTF8.self)
        log.withLock { $0.append((url, body)) }
        arrived.signal()
        gate?.wait()
        let respond = responder.withLock { $0 }
        return try respond(url, body)
    }

    func setResponder(_ respond: @escaping Responder) { responder.withLock { $0 = respond } }

    /// Blocks until a request has reached the transport.
    func waitForArrival() { arrived.wait() }

    func release(_ count: Int = 1) { for _ in 0..<count { gate?.signal() } }

    var requests: [(url: String, body: String)] { log.withLock { $0 } }

    func requests(to url: String) -> Int { requests.filter { $0.url == url }.count }

    static func certificateAnswer(cn: String, notBefore: Date, notAfter: Date, keyID: String = "k1")
        -> ProvisioningResponse
    {
        let result: [String: Any] = [
            "subject_cn": cn,
            "x509_pem": FakeCertificateInspector.chain(cn: cn, notBefore: notBefore, notAfter: notAfter, keyID: keyID),
            "private_key_pem": FakeCertificateInspector.key(keyID),
        ]
        let data = try! JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "result": result])
        return ProvisioningResponse(status: 200, body: Array(data))
    }
}

/// A clock that moves only when told; scheduled work runs inside `advance`.
final class ManualCertificateClock: CertificateClock {
    private struct Pending {
        var deadline: Date
        var work: @Sendable () -> Void
    }
    private let state: Mutex<(now: Date, pending: [Pending], slept: [Duration])>

    init(now: Date) { state = Mutex((now, [], [])) }

    var now: Date { state.withLock { $0.now } }

    var sleeps: [Duration] { state.withLock { $0.slept } }

    /// Work scheduled and not yet run.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// When each piece of scheduled work is due, earliest first.
    var pendingDeadlines: [Date] { state.withLock { $0.pending.map(\.deadline).sorted() } }

    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        state.withLock {
            $0.pending.append(Pending(deadline: $0.now.addingTimeInterval(delay.timeInterval), work: work))
        }
    }

    func sleep(for delay: Duration) { state.withLock { $0.slept.append(delay) } }

    /// Moves time forward and runs what has come due, in deadline order.
    func advance(by delay: Duration) {
        let due = state.withLock { state -> [Pending] in
            state.now = state.now.addingTimeInterval(delay.timeInterval)
            let now = state.now
            let due = state.pending.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.pending.removeAll { $0.deadline <= now }
            return due
        }
        for item in due { item.work() }
    }
}

/// A manual clock whose `schedule` takes `pause` of real time before the work is recorded, as
/// a loaded machine may: it opens wide any gap between setting a timer and what it is for.
final class SlowSchedulingClock: CertificateClock {
    private let inner: ManualCertificateClock
    private let pause: Duration

    init(_ inner: ManualCertificateClock, pause: Duration) {
        self.inner = inner
        self.pause = pause
    }

    var now: Date { inner.now }

    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
        inner.schedule(after: delay, work)
    }

    func sleep(for delay: Duration) { inner.sleep(for: delay) }
}

/// Keeps every rendered log line so a test can search them.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "cert") { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

private struct CapturingLogHandler: LogHandler {
    let sink: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
    }
}

/// A list several threads append to.
final class TestRecorder<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])

    func append(_ item: Item) { items.withLock { $0.append(item) } }

    var all: [Item] { items.withLock { $0 } }
}
