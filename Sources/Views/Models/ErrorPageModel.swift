/// A page for a refused request (403, 404, 421 …).
public struct ErrorPageModel: Sendable, Equatable {
    public var status: Int
    public var title: String
    public var message: String

    public init(status: Int, title: String, message: String) {
        self.status = status
        self.title = title
        self.message = message
    }
}
