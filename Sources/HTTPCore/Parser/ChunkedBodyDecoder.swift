/// Decodes a chunked body (RFC 9112 §7.1) from whatever bytes have arrived, keeping its
/// place between calls. Trailer fields are checked and bounded, then discarded: none of them
/// may change how the request is handled, so none can smuggle a header past the head checks.
struct ChunkedBodyDecoder: Sendable {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    private enum Phase: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers(size: Int)
    }

    private var phase: Phase = .size
    private(set) var body: [UInt8] = []

    /// Consumes what it can of `bytes`; returns how many bytes were used and whether the
    /// body (with its trailers) is complete.
    mutating func decode(_ bytes: Bytes, limits: HTTPParserLimits) throws(HTTPParseError) -> (consumed: Int, done: Bool)
    {
        var position = 0
        while position < bytes.count {
            switch phase {
            case .size:
                guard let lineEnd = try Self.findLineEnd(bytes, from: position, limit: limits.maxChunkLineLength) else {
                    return (position, false)
                }
                let size = try Self.parseChunkSize(bytes, position, lineEnd)
                position = lineEnd + 2
                if size == 0 {
                    phase = .trailers(size: 0)
                } else {
                    if size > limits.maxBodySize - body.count {
                        throw HTTPParseError(status: 413, reason: "body larger than allowed")
                    }
                    phase = .data(remaining: size)
                }
            case .data(let remaining):
                let count = min(remaining, bytes.count - position)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]))
                position += count
                phase = remaining == count ? .dataEnd : .data(remaining: remaining - count)
            case .dataEnd:
                guard bytes[position] == HTTPByteClass.cr else {
                    throw HTTPParseError(status: 400, reason: "chunk data not followed by CRLF")
                }
                guard position + 1 < bytes.count else { return (position, false) }
                guard bytes[position + 1] == HTTPByteClass.lf else {
                    throw HTTPParseError(status: 400, reason: "chunk data not followed by CRLF")
                }
                position += 2
                phase = .size
            case .trailers(let size):
                let room = limits.maxTrailerSize - size
                guard let lineEnd = try Self.findLineEnd(bytes, from: position, limit: room, status: 431) else {
                    return (position, false)
                }
                if lineEnd == position { return (position + 2, true) }
                _ = try RequestHeadParser.parseFieldLine(bytes, position, lineEnd)
                phase = .trailers(size: size + lineEnd + 2 - position)
                position = lineEnd + 2
            }
        }
        return (position, false)
    }

    /// Index of the CR of the line starting at `start`, or nil when its end has not arrived.
    /// A line longer than `limit` fails with `status` as soon as that is known.
    private static func findLineEnd(
        _ bytes: Bytes, from start: Int, limit: Int, status: Int = 400
    ) throws(HTTPParseError) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == HTTPByteClass.lf {
                guard index > start, bytes[index - 1] == HTTPByteClass.cr else {
                    throw HTTPParseError(status: 400, reason: "bare LF in chunked body")
                }
                if index - 1 - start > limit { break }
                return index - 1
            }
            index += 1
        }
        if index - start > limit + 1 {
            throw HTTPParseError(status: status, reason: status == 431 ? "trailers too large" : "chunk line too long")
        }
        return nil
    }

    /// `chunk-size [ chunk-ext ]`: hex digits, then optional `;name[=value]` extensions,
    /// which are ignored.
    private static func parseChunkSize(_ bytes: Bytes, _ start: Int, _ end: Int) throws(HTTPParseError) -> Int {
        var index = start
        var size = 0
        while index < end, let digit = HTTPByteClass.hexValue(bytes[index]) {
            guard size <= (Int.max - digit) >> 4 else {
                throw HTTPParseError(status: 400, reason: "chunk size overflows")
            }
            size = size << 4 | digit
            index += 1
        }
        guard index > start else { throw HTTPParseError(status: 400, reason: "malformed chunk size") }
        while index < end && HTTPByteClass.isWhitespace(bytes[index]) { index += 1 }
        guard index < end else { return size }
        guard bytes[index] == UInt8(ascii: ";") else {
            throw HTTPParseError(status: 400, reason: "malformed chunk size")
        }
        for position in index..<end where !HTTPByteClass.isFieldValueByte(bytes[position]) {
            throw HTTPParseError(status: 400, reason: "control character in chunk extension")
        }
        return size
    }
}
