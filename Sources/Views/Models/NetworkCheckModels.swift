/// The box's own DNS check of its HTTPS name, as the homepage shows it.
public struct DNSCheckModel: Sendable, Equatable {
    /// `ok`, `mismatch`, `unresolved` or `error`.
    public var state: String
    public var name: String
    public var addresses: [String]
    /// The box's address, which the name should resolve to.
    public var expectedAddress: String
    public var checkedAt: String

    @inlinable
    public init(state: String, name: String, addresses: [String], expectedAddress: String, checkedAt: String) {
        self.state = state
        self.name = name
        self.addresses = addresses
        self.expectedAddress = expectedAddress
        self.checkedAt = checkedAt
    }

    public var isOK: Bool { state == "ok" }
}

/// The in-browser check, on a page opened over HTTP, that this device reaches the box's
/// HTTPS address: the page's script fetches `pingURL` and says what it found.
public struct ReachabilityCheckModel: Sendable, Equatable {
    public var httpsURL: String
    public var pingURL: String

    @inlinable
    public init(httpsURL: String, pingURL: String) {
        self.httpsURL = httpsURL
        self.pingURL = pingURL
    }
}
