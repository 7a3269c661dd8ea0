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
        bytes = Array(HTTPDate.format(Int(current)).utf8)
    }
}
