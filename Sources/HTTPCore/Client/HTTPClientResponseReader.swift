/// Reads one HTTP/1.1 response from a byte stream: status line and headers, then a body
/// framed by Content-Length, chunked coding, or the end of the connection (RFC 9112 §6.3).
final class HTTPClientResponseReader {
    /// Longest status line plus header block accepted.
    static let maxHeadSize = 64 * 1024

    private let stream: any HTTPClientByteStream
    private let deadline: ContinuousClock.Instant
    private let maxBodySize: Int
    private var buffered: [UInt8] = []
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var sawEnd = false

    init(stream: any HTTPClientByteStream, deadline: ContinuousClock.Instant, maxBodySize: Int) {
        self.stream = stream
        self.deadline = deadline
        self.maxBodySize = maxBodySize
    }

    /// Whether bytes arrived beyond what has been consumed (a proxy speaking out of turn).
    var hasUnconsumedBytes: Bool { !buffered.isEmpty }

    func readHead() throws(HTTPClientError) -> (status: Int, headers: HTTPHeaders) {
        var searchFrom = 0
        while true {
            if let end = headEnd(from: searchFrom) {
                let head = Array(buffered[..<end])
                buffered.removeFirst(end + 4)
                return try Self.parseHead(head)
            }
            searchFrom = max(0, buffered.count - 3)
            guard buffered.count <= Self.maxHeadSize else {
                throw .malformedResponse(detail: "the response head is longer than \(Self.maxHeadSize) bytes")
            }
            guard try fill() else {
                if buffered.isEmpty { throw .closedWithoutAnswer }
                throw .malformedResponse(detail: "the connection ended inside the response head")
            }
        }
    }

    func readBody(requestMethod: String, status: Int, headers: HTTPHeaders) throws(HTTPClientError) -> [UInt8] {
        if requestMethod == "HEAD" || status == 204 || status == 304 { return [] }
        if let coding = headers.values(for: "Transfer-Encoding").last {
            guard coding.lowercased().hasSuffix("chunked") else {
                return try readUntilClose()
            }
            return try readChunked()
        }
        let lengths = Set(headers.values(for: "Content-Length").map { $0.trimmingASCIIWhitespace() })
        if lengths.isEmpty { return try readUntilClose() }
        guard lengths.count == 1, let text = lengths.first, let length = Int(text), length >= 0 else {
            throw .malformedResponse(detail: "invalid Content-Length")
        }
        guard length <= maxBodySize else { throw .responseTooLarge(limit: maxBodySize) }
        return try take(length)
    }

    // MARK: - Framing

    private func readUntilClose() throws(HTTPClientError) -> [UInt8] {
        while try fill() {
            guard buffered.count <= maxBodySize else { throw .responseTooLarge(limit: maxBodySize) }
        }
        guard buffered.count <= maxBodySize else { throw .responseTooLarge(limit: maxBodySize) }
        defer { buffered.removeAll() }
        return buffered
    }

    private func readChunked() throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine()
            let sizeText = line.split(separator: ";", maxSplits: 1)[0].trimmingASCIIWhitespace()
            guard !sizeText.isEmpty, sizeText.count <= 16, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .malformedResponse(detail: "invalid chunk size")
            }
            if size == 0 { break }
            // Compared as a difference: a size near Int.max would overflow the sum and trap.
            guard size <= maxBodySize - body.count else { throw .responseTooLarge(limit: maxBodySize) }
            body += try take(size)
            guard try readLine().isEmpty else { throw .malformedResponse(detail: "missing CRLF after a chunk") }
        }
        // Trailer fields are read and dropped: nothing the client does depends on them.
        var trailerSize = 0
        while true {
            let line = try readLine()
            if line.isEmpty { return body }
            trailerSize += line.utf8.count
            guard trailerSize <= Self.maxHeadSize else { throw .malformedResponse(detail: "trailers too large") }
        }
    }

    private func take(_ count: Int) throws(HTTPClientError) -> [UInt8] {
        while buffered.count < count {
            guard try fill() else {
                throw .malformedResponse(detail: "the connection ended before the end of the body")
            }
        }
        let taken = Array(buffered[..<count])
        buffered.removeFirst(count)
        return taken
    }

    private func readLine() throws(HTTPClientError) -> String {
        while true {
            if let newline = buffered.firstIndex(of: 10) {
                var line = buffered[..<newline]
                if line.last == 13 { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                buffered.removeFirst(newline + 1)
                return text
            }
            guard buffered.count <= Self.maxHeadSize else { throw .malformedResponse(detail: "line too long") }
            guard try fill() else { throw .malformedResponse(detail: "the connection ended inside the chunked body") }
        }
    }

    /// Reads more bytes; false at the end of the stream.
    private func fill() throws(HTTPClientError) -> Bool {
        if sawEnd { return false }
        let count = try stream.read(into: &readBuffer, deadline: deadline)
        if count == 0 {
            sawEnd = true
            return false
        }
        buffered += readBuffer[..<count]
        return true
    }

    private func headEnd(from start: Int) -> Int? {
        guard buffered.count >= 4 else { return nil }
        var index = start
        while index <= buffered.count - 4 {
            if buffered[index] == 13 && buffered[index + 1] == 10 && buffered[index + 2] == 13
                && buffered[index + 3] == 10
            {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func parseHead(_ head: [UInt8]) throws(HTTPClientError) -> (status: Int, headers: HTTPHeaders) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]),
            (100...999).contains(status)
        else {
            throw .malformedResponse(detail: "invalid status line \"\(statusLine.prefix(80))\"")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                !line[..<colon].contains(where: { $0 == " " || $0 == "\t" })
            else {
                throw .malformedResponse(detail: "invalid header line \"\(line.prefix(80))\"")
            }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...].trimmingASCIIWhitespace()))
        }
        return (status, headers)
    }
}
