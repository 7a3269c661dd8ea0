/// One attribute of an element. The name must be a literal; a value from a string is escaped
/// on output.
public struct HTMLAttribute: Sendable {
    enum Value: Sendable {
        case text(String)
        /// Written as is: a literal of the view author's, which needs no escaping.
        case literal(StaticString)
        /// A boolean attribute such as `selected`.
        case none
    }

    let name: StaticString
    let value: Value

    public init(_ name: StaticString, _ value: String) {
        self.name = name
        self.value = .text(value)
    }

    /// A value written into the page as it is, without the escaping scan, like `raw` markup.
    /// It must hold none of the five characters escaping replaces (checked in debug builds), so
    /// the page is the same as with the escaped form.
    public init(_ name: StaticString, literal value: StaticString) {
        assert(HTMLEscaping.needsNoEscaping(value), "an attribute literal holds a character to escape")
        self.name = name
        self.value = .literal(value)
    }

    private init(flag name: StaticString) {
        self.name = name
        self.value = .none
    }

    /// A boolean attribute (`required`, `selected`): present means true.
    public static func flag(_ name: StaticString) -> HTMLAttribute { HTMLAttribute(flag: name) }
}

/// Writes markup so that forgetting to escape is hard: tag names, attribute names and raw
/// markup can only be compile-time literals (`StaticString`), and every runtime string goes
/// through `HTMLEscaping`. A value from a model therefore cannot become markup by accident.
///
/// The page is built as UTF-8 bytes, the form a response body needs: a literal is copied
/// straight from the binary, and no intermediate `String` is made for any part. The bytes
/// are written through a pointer into storage the builder owns (it cannot be copied, so
/// nothing else can see that storage), and become an array once, when the page is done: a
/// page is a few hundred small appends, and an array's append checks uniqueness and
/// capacity generically on each.
public struct HTMLBuilder: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    public init() {
        capacity = 8 * 1024
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// The page as UTF-8 bytes.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// The page as text.
    public var html: String { String(decoding: UnsafeBufferPointer(start: storage, count: count), as: UTF8.self) }

    // The appends of literals and bytes are inlined (`raw`, `close`, the tags and the private
    // appends): a page makes a few hundred of them, and inlined, a literal's length is known
    // where it is written, so the copy is a few moves instead of a call to `memcpy`; only
    // growing the storage is a call. They had cost about 50 instructions per literal and 23
    // per byte.

    /// Literal markup written by the view author.
    @inline(__always)
    public mutating func raw(_ markup: StaticString) {
        append(markup)
    }

    /// Text content, escaped.
    public mutating func text(_ value: String) {
        HTMLEscaping.append(value, to: &self)
    }

    /// Where a text written by `escapedText` lies in the page: only the builder makes one, so
    /// what `repeatText` copies is always text this page already escaped.
    public struct WrittenText {
        fileprivate let range: Range<Int>
    }

    /// Text content, escaped, and where its escaped form lies, for a value shown twice (an
    /// address as a link's target and as its text): `repeatText` writes it again without a
    /// second scan.
    public mutating func escapedText(_ value: String) -> WrittenText {
        let start = count
        HTMLEscaping.append(value, to: &self)
        return WrittenText(range: start..<count)
    }

    /// Writes again, at the end, a text `escapedText` wrote into this page.
    public mutating func repeatText(_ text: WrittenText) {
        precondition(text.range.upperBound <= count, "a text written into another page")
        let length = text.range.count
        if count + length > capacity { grow(toAtLeast: count + length) }
        // The source lies before `count`, so it does not overlap the bytes written.
        (storage + count).initialize(from: storage + text.range.lowerBound, count: length)
        count += length
    }

    /// A whole number in decimal (digits need no escaping), without making a `String` of it.
    public mutating func decimal(_ value: Int) {
        // Written from its last digit into 24 bytes on the stack: room for 20 digits and a sign.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            var magnitude = value.magnitude
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            append(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[index...]))
        }
    }

    // `open` is inlined so that the attribute array written at the call site does not
    // escape and is kept on the stack instead of being allocated for each element.
    @inline(__always)
    public mutating func open(_ tag: StaticString, _ attributes: [HTMLAttribute] = []) {
        startTag(tag)
        for attribute in attributes {
            append(attribute)
        }
        append(UInt8(ascii: ">"))
    }

    @inline(__always)
    public mutating func close(_ tag: StaticString) {
        append(UInt8(ascii: "<"))
        append(UInt8(ascii: "/"))
        append(tag)
        append(UInt8(ascii: ">"))
    }

    /// An element without content or end tag (`input`, `meta`, `link`).
    @inline(__always)
    public mutating func void(_ tag: StaticString, _ attributes: [HTMLAttribute] = []) {
        open(tag, attributes)
    }

    @inline(__always)
    public mutating func element(
        _ tag: StaticString, _ attributes: [HTMLAttribute] = [], _ content: (inout HTMLBuilder) -> Void
    ) {
        open(tag, attributes)
        content(&self)
        close(tag)
    }

    @inline(__always)
    public mutating func element(_ tag: StaticString, _ attributes: [HTMLAttribute] = [], text value: String) {
        open(tag, attributes)
        text(value)
        close(tag)
    }

    @inline(__always)
    private mutating func startTag(_ tag: StaticString) {
        append(UInt8(ascii: "<"))
        append(tag)
    }

    @inline(__always)
    private mutating func append(_ attribute: HTMLAttribute) {
        append(UInt8(ascii: " "))
        append(attribute.name)
        switch attribute.value {
        case .text(let value):
            append(UInt8(ascii: "="))
            append(UInt8(ascii: "\""))
            HTMLEscaping.append(value, to: &self)
            append(UInt8(ascii: "\""))
        case .literal(let value):
            append(UInt8(ascii: "="))
            append(UInt8(ascii: "\""))
            append(value)
            append(UInt8(ascii: "\""))
        case .none:
            break
        }
    }

    @inline(__always)
    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count + 1) }
        storage[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ source: UnsafeBufferPointer<UInt8>) {
        guard let base = source.baseAddress else { return }
        if count + source.count > capacity { grow(toAtLeast: count + source.count) }
        (storage + count).initialize(from: base, count: source.count)
        count += source.count
    }

    @inline(never)
    private mutating func grow(toAtLeast needed: Int) {
        let larger = Swift.max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: storage, count: count)
        storage.deallocate()
        storage = moved
        capacity = larger
    }
}
