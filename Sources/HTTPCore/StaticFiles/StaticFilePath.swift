/// Turns the part of a URL path below the static prefix into a file path relative to the
/// root, or says why it must not be served. Every check works on decoded segments, so
/// `%2e%2e`, `%2f` and `%5c` cannot sneak a separator or parent past it.
enum StaticFilePath {
    enum Refusal: Error, Equatable {
        /// A `%` not followed by two hex digits: 400.
        case malformedEncoding
        /// A path that may lead outside the root, a hidden file, or a directory: 404.
        case refused
    }

    /// `encoded` is the raw path below the prefix, e.g. `css/app.css`.
    static func relativePath(_ encoded: Substring) throws(Refusal) -> String {
        guard !encoded.isEmpty else { throw .refused }
        var segments: [String] = []
        for rawSegment in encoded.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let segment = try decode(rawSegment)
            // Empty segments (`a//b`, trailing `/`) name directories; a leading dot covers
            // `.`, `..` and hidden files alike.
            guard let first = segment.first, first != UInt8(ascii: ".") else { throw .refused }
            for byte in segment where byte == 0 || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") {
                throw .refused
            }
            guard let text = String(validating: segment, as: UTF8.self) else { throw .refused }
            segments.append(text)
        }
        return segments.joined(separator: "/")
    }

    private static func decode(_ raw: Substring.UTF8View.SubSequence) throws(Refusal) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            index = raw.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard index < raw.endIndex, let high = HTTPByteClass.hexValue(raw[index]) else {
                throw .malformedEncoding
            }
            index = raw.index(after: index)
            guard index < raw.endIndex, let low = HTTPByteClass.hexValue(raw[index]) else {
                throw .malformedEncoding
            }
            index = raw.index(after: index)
            bytes.append(UInt8(high << 4 | low))
        }
        return bytes
    }
}
