import Glibc

/// The `Date` header value in IMF-fixdate form (RFC 9110 §5.6.7), formatted at most once a
/// second per loop instead of once per response.
struct ServerDateHeader {
    private(set) var bytes: [UInt8] = []
    private var second: time_t = -1

    init() { refresh() }

    /// Reformats when the wall-clock second has changed.
    mutating func refresh() {
        let current = time(nil)
        guard current != second else { return }
        second = current
        bytes = Array(Self.format(current).utf8)
    }

    static func format(_ instant: time_t) -> String {
        var value = instant
        var parts = tm()
        gmtime_r(&value, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
