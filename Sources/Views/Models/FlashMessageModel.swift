/// A one-time message shown after a form was handled.
public struct FlashMessageModel: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case success, failure
    }

    public var kind: Kind
    public var text: String

    @inlinable
    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    public static func success(_ text: String) -> FlashMessageModel { FlashMessageModel(kind: .success, text: text) }
    public static func failure(_ text: String) -> FlashMessageModel { FlashMessageModel(kind: .failure, text: text) }
}
