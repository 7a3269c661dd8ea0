/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1);
/// order and duplicates are kept as received, because some rules (two Content-Length
/// fields, two Host fields) depend on them.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public typealias Field = (name: String, value: String)

    private var storage: [Field] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        storage = fields.map { (name: $0.0, value: $0.1) }
    }

    /// Room for `count` fields, so that adding them does not grow the list step by step.
    public init(minimumCapacity count: Int) {
        storage.reserveCapacity(count)
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        firstIndex(of: name).map { storage[$0].value }
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        storage.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { firstIndex(of: name) != nil }

    public mutating func add(_ name: String, _ value: String) {
        storage.append((name: name, value: value))
    }

    /// Replaces every field called `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        if contains(name) { remove(name) }
        storage.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        storage.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Whether a comma-separated field such as `Connection` lists `token` (case-insensitive).
    public func hasToken(_ token: String, in name: String) -> Bool {
        withFields { fields in
            for index in fields.indices where fields[index].name.equalsIgnoringASCIICase(name) {
                if Self.list(fields[index].value, contains: token) { return true }
            }
            return false
        }
    }

    /// Reads the fields in place: looking a name up this way copies no field (a `for` loop over
    /// the headers retains and releases both strings of every field it passes).
    func withFields<Result>(_ body: (UnsafeBufferPointer<Field>) -> Result) -> Result {
        storage.withUnsafeBufferPointer(body)
    }

    private func firstIndex(of name: String) -> Int? {
        withFields { fields in
            for index in fields.indices where fields[index].name.equalsIgnoringASCIICase(name) { return index }
            return nil
        }
    }

    /// Whether the comma-separated `list` has an element equal to `token` once the spaces and
    /// tabs around it are cut, ignoring ASCII case. Scans the bytes; allocates nothing.
    private static func list(_ list: String, contains token: String) -> Bool {
        let scanned = list.utf8.withContiguousStorageIfAvailable { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                var low = start
                var high = end
                while low < high, bytes[low] == UInt8(ascii: " ") || bytes[low] == UInt8(ascii: "\t") { low += 1 }
                while high > low, bytes[high - 1] == UInt8(ascii: " ") || bytes[high - 1] == UInt8(ascii: "\t") {
                    high -= 1
                }
                if UnsafeBufferPointer(rebasing: bytes[low..<high]).elementsEqual(
                    token.utf8, by: asciiCaseInsensitiveEqual)
                {
                    return true
                }
                start = end + 1
            }
            return false
        }
        return scanned ?? Self.list(String(decoding: Array(list.utf8), as: UTF8.self), contains: token)
    }

    public func makeIterator() -> IndexingIterator<[Field]> { storage.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison, as header names and tokens need; no locale rules.
    /// Compares the contiguous UTF-8 of both sides (what native strings and their substrings
    /// have) as bytes; any other string is compared through its UTF-8 view.
    /// Inlinable, so that callers in other modules get a version specialized for their types
    /// instead of the generic one, which looks up type metadata at run time on every call.
    @inlinable
    public func equalsIgnoringASCIICase<Other: StringProtocol>(_ other: Other) -> Bool {
        let lhs = self.utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        let contiguous = lhs.withContiguousStorageIfAvailable { left in
            rhs.withContiguousStorageIfAvailable { right in
                for index in left.indices where !asciiCaseInsensitiveEqual(left[index], right[index]) {
                    return false
                }
                return true
            }
        }
        if let contiguous, let result = contiguous { return result }
        for (left, right) in zip(lhs, rhs) where !asciiCaseInsensitiveEqual(left, right) {
            return false
        }
        return true
    }

    /// The string without leading and trailing spaces and tabs (HTTP's OWS).
    public func trimmingASCIIWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}

@inline(__always) @usableFromInline
func asciiCaseInsensitiveEqual(_ left: UInt8, _ right: UInt8) -> Bool {
    guard left != right else { return true }
    let foldedLeft = (left >= 65 && left <= 90) ? left | 0x20 : left
    let foldedRight = (right >= 65 && right <= 90) ? right | 0x20 : right
    return foldedLeft == foldedRight
}
