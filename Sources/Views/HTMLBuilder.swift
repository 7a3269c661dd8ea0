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
public struct HTMLBuilder {
    public private(set) var html: String = ""

    public init() {
        html.reserveCapacity(8 * 1024)
    }

    /// The page as UTF-8 bytes, ready for a response body.
    public var bytes: [UInt8] { Array(html.utf8) }

    /// Literal markup written by the view author.
    public mutating func raw(_ markup: StaticString) {
        html += markup.description
    }

    /// Text content, escaped.
    public mutating func text(_ value: String) {
        HTMLEscaping.append(value, to: &html)
    }

    public mutating func open(_ tag: StaticString, _ attributes: [HTMLAttribute] = []) {
        html += "<"
        html += tag.description
        for attribute in attributes {
            html += " "
            html += attribute.name.description
            if let value = attribute.value {
                html += "=\""
                HTMLEscaping.append(value, to: &html)
                html += "\""
            }
        }
        html += ">"
    }

    public mutating func close(_ tag: StaticString) {
        html += "</"
        html += tag.description
        html += ">"
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
}
