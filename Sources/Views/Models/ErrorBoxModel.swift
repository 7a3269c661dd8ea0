/// A certificate error as the person needs it: the code to quote, what it means, what to do.
public struct ErrorBoxModel: Sendable, Equatable {
    /// The code as shown and quoted in a support ticket, e.g. `ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404`.
    public var displayCode: String
    /// The technical cause (an exception text, the server's message), if any.
    public var detail: String?
    public var meaning: String
    /// Steps to take, in order.
    public var advice: [String]

    @inlinable
    public init(displayCode: String, detail: String? = nil, meaning: String, advice: [String] = []) {
        self.displayCode = displayCode
        self.detail = detail
        self.meaning = meaning
        self.advice = advice
    }
}
