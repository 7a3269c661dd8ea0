/// One attribute of an element. The name must be a literal; the value is escaped on output.
public struct HTMLAttribute: Sendable {
    let name: StaticString
    /// Nil for a boolean attribute such as `selected`.
    let value: String?

    public init(_ name: StaticString, _ value: String) {
        self.name = name
        self.value = value
    }

    private init(flag name: StaticString) {
        self.name = name
        self.value = nil
    }

    /// A boolean attribute (`required`, `selected`): present means true.
    public static func flag(_ name: StaticString) -> HTMLAttribute { HTMLAttribute(flag: name) }
}

/// Writes markup so that forgetting to escape is hard: tag names, attribute names and raw
/// markup can only be compile-time literals (`StaticString`), and every runtime string goes
/// through `HTMLEscaping`. A value from a model therefore cannot become markup by accident.
///
/// The page is built as UTF-8 bytes, the form a response body needs: a literal is copied
/// straight from the binary, and no intermediate `String` is made for any part.
public struct HTMLBuilder {
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(8 * 1024)
    }

    /// The page as text.
    public var html: String { String(decoding: bytes, as: UTF8.self) }

    /// Literal markup written by the view author.
    public mutating func raw(_ markup: StaticString) {
        append(markup)
    }

    /// Text content, escaped.
    public mutating func text(_ value: String) {
        HTMLEscaping.append(value, to: &bytes)
    }

    public mutating func open(_ tag: StaticString, _ attributes: [HTMLAttribute] = []) {
        bytes.append(UInt8(ascii: "<"))
        append(tag)
        for attribute in attributes {
            bytes.append(UInt8(ascii: " "))
            append(attribute.name)
            if let value = attribute.value {
                bytes.append(UInt8(ascii: "="))
                bytes.append(UInt8(ascii: "\""))
                HTMLEscaping.append(value, to: &bytes)
                bytes.append(UInt8(ascii: "\""))
            }
        }
        bytes.append(UInt8(ascii: ">"))
    }

    public mutating func close(_ tag: StaticString) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        append(tag)
        bytes.append(UInt8(ascii: ">"))
    }

    /// An element without content or end tag (`input`, `meta`, `link`).
    public mutating func void(_ tag: StaticString, _ attributes: [HTMLAttribute] = []) {
        open(tag, attributes)
    }

    public mutating func element(
        _ tag: StaticString, _ attributes: [HTMLAttribute] = [], _ content: (inout HTMLBuilder) -> Void
    ) {
        open(tag, attributes)
        content(&self)
        close(tag)
    }

    public mutating func element(_ tag: StaticString, _ attributes: [HTMLAttribute] = [], text value: String) {
        open(tag, attributes)
        text(value)
        close(tag)
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
}
