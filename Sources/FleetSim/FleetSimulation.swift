import CertService
import Foundation

/// A fleet of boxes renewing 90-day certificates against a service that goes down for a
/// while, on a virtual clock. Each box's decisions come from the product's own code:
/// `RenewalPolicy` (is a new certificate due?) and `RetryPolicy` (quick re-sends, back-off with
/// jitter, the daily check's time of day). The other scheme is Odoo's own box: a daily check at
/// a fixed hour, five immediate re-sends after a failure, no back-off.
struct FleetSimulation {
    enum Scheme: CaseIterable {
        case product
        case odoo

        var title: String {
            switch self {
            case .product: return "this product (own daily time, back-off ±20 %)"
            case .odoo: return "Odoo's box (03:00 daily, 5 re-sends, no back-off)"
            }
        }
    }

    /// How the service fails while it is down.
    enum Outage: String {
        /// It answers 503 without `Retry-After`: every request reached it.
        case status503 = "503"
        /// It refuses connections: no request reached it.
        case refused
    }

    struct Result {
        var scheme: Scheme
        var peakPerMinute: Int
        var peakMinute: Int
        var totalRequests: Int
        /// From the service's return to the renewal of the last box that was due; nil when a
        /// due box is still without a renewed certificate when the simulation ends.
        var lastRenewalAfterReturn: TimeInterval?
        var boxesRenewedAfterFailing: Int
    }

    var boxes: Int
    var outageHours: Double
    var outage: Outage
    var seed: UInt64
    let certificateLifetime: TimeInterval = 90 * 86_400
    /// The hour of Odoo's box's daily check; the outage starts an hour before it.
    let odooCheckHour = 3
    let policy = RenewalPolicy()
    let retry = RetryPolicy()

    /// Day 0 starts at a midnight UTC; the outage begins on day 1.
    let start = Date(timeIntervalSince1970: 1_799_971_200)
    var outageStart: Date { start.addingTimeInterval(86_400 + Double(odooCheckHour - 1) * 3600) }
    var serviceReturn: Date { outageStart.addingTimeInterval(outageHours * 3600) }
    /// Long enough for Odoo's box's next daily check after the return.
    var end: Date { serviceReturn.addingTimeInterval(2 * 86_400) }

    func run(_ scheme: Scheme) -> Result {
        var random = SplitMix64(seed: seed)
        var boxesState: [BoxState] = (0..<boxes).map { _ in
            // Issued uniformly over the 80 days of a renewal cycle (renewed 10 days before its
            // end): the fleet starts in its steady state, no box already overdue.
            let issued = start.addingTimeInterval(-random.unit() * 80 * 86_400)
            return BoxState(notAfter: issued.addingTimeInterval(certificateLifetime))
        }
        var events = EventQueue()
        for index in 0..<boxes {
            let second: Int
            switch scheme {
            case .product: second = retry.dailyCheckSecond(unitRandom: random.unit())
            case .odoo: second = odooCheckHour * 3600
            }
            boxesState[index].dailySecond = second
            events.push(Event(time: retry.nextDailyCheck(after: start, atSecond: second), box: index, retry: false))
        }
        var perMinute: [Int: Int] = [:]
        var total = 0
        var lastRenewal: Date?
        var renewedAfterFailing = 0
        func count(_ requests: Int, at time: Date) {
            perMinute[Int(time.timeIntervalSince(start) / 60), default: 0] += requests
            total += requests
        }
        while let event = events.pop(), event.time < end {
            var box = boxesState[event.box]
            let now = event.time
            if event.retry {
                guard box.nextRetry == now else { continue }
            } else {
                events.push(
                    Event(
                        time: retry.nextDailyCheck(after: now, atSecond: box.dailySecond), box: event.box, retry: false)
                )
                // A daily check during the back-off sends nothing, as in the checker.
                if let nextRetry = box.nextRetry, now < nextRetry { continue }
            }
            let facts = CertificateFacts(
                subjectCommonName: "*.box.odoo-iot.com", notBefore: box.notAfter - certificateLifetime,
                notAfter: box.notAfter, dnsNames: [], keyMatches: true)
            guard policy.evaluate(facts, now: now) != .valid else {
                box.nextRetry = nil
                boxesState[event.box] = box
                continue
            }
            let down = now >= outageStart && now < serviceReturn
            if !down {
                count(1, at: now)
                box.notAfter = now.addingTimeInterval(certificateLifetime)
                if box.failures > 0 {
                    renewedAfterFailing += 1
                    if lastRenewal.map({ now > $0 }) ?? true { lastRenewal = now }
                }
                box.failures = 0
                box.nextRetry = nil
            } else {
                switch scheme {
                case .product:
                    var sends = 1
                    if outage == .refused {
                        while retry.resendsAtOnce(after: .connectionRefused, attempt: sends) { sends += 1 }
                    }
                    count(sends, at: now)
                    box.failures += 1
                    let next = retry.nextTry(
                        afterFailures: box.failures, retryAfter: nil, now: now, unitRandom: random.unit())
                    box.nextRetry = next
                    events.push(Event(time: next, box: event.box, retry: true))
                case .odoo:
                    count(6, at: now)
                    box.failures += 1
                }
            }
            boxesState[event.box] = box
        }
        let peak = perMinute.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        let stillWaiting = boxesState.contains { $0.failures > 0 }
        return Result(
            scheme: scheme, peakPerMinute: peak?.value ?? 0, peakMinute: peak?.key ?? 0, totalRequests: total,
            lastRenewalAfterReturn: stillWaiting ? nil : lastRenewal.map { $0.timeIntervalSince(serviceReturn) } ?? 0,
            boxesRenewedAfterFailing: renewedAfterFailing)
    }
}

private struct BoxState {
    var notAfter: Date
    var dailySecond = 0
    var failures = 0
    var nextRetry: Date?
}

private struct Event {
    var time: Date
    var box: Int
    var retry: Bool
}

/// A binary min-heap of events by time.
private struct EventQueue {
    private var heap: [Event] = []

    mutating func push(_ event: Event) {
        heap.append(event)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].time < heap[parent].time else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Event? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].time < heap[smallest].time { smallest = left }
            if right < heap.count && heap[right].time < heap[smallest].time { smallest = right }
            guard smallest != parent else { return top }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// A small seeded generator, so a run can be repeated exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<1`.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
