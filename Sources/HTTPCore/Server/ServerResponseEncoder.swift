/// Turns a handler's response into wire bytes: the head and body in one buffer, so a response
/// costs one `write`. Adds `Date`, `Server`, `Content-Length` and `Connection`.
enum ServerResponseEncoder {
    static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// What the request asked that shapes the response.
    struct RequestFacts {
        var isHead: Bool
        var version: HTTPVersion
        /// The connection may stay open after this response (request, limits, shutdown).
        var keepAlive: Bool
    }

    /// What encoding decided.
    struct Encoded {
        /// The connection must close after this answer.
        var closes: Bool
        /// The answer's `bodyFiles` must follow the bytes encoded.
        var streamsFiles: Bool
    }

    /// Appends the response (head, and the body held in memory) to `out`. The head is written
    /// through a pointer into a temporary buffer sized from the fields, then appended at once:
    /// an array append per part (about thirty per answer) cost more than the rest together.
    static func encode(
        _ response: HTTPResponse, for request: RequestFacts, date: [UInt8], serverName: [UInt8],
        into out: inout [UInt8]
    ) -> Encoded {
        let closes = !request.keepAlive || response.headers.hasToken("close", in: "Connection")
        let status = response.status
        // RFC 9110 §6.4.1: 1xx, 204 and 304 never carry content; §9.3.2: HEAD gets none either.
        let statusForbidsBody = (100...199).contains(status) || status == 204 || status == 304
        let sendsBody = !statusForbidsBody && !request.isHead

        // The fixed parts: status line with up to 20 digits, Date, Server, Content-Length with
        // up to 20 digits, Connection: keep-alive, the empty line.
        var capacity = 128 + response.reason.utf8.count + date.count + serverName.count
        for field in response.headers { capacity += field.name.utf8.count + field.value.utf8.count + 4 }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var head = HeadWriter(buffer)
            head.put(httpVersionPrefix)
            head.putDecimal(status)
            head.put(space)
            head.put(response.reason)
            head.put(crlf)

            var handlerLength: String?
            var hasDate = false
            var hasServer = false
            for field in response.headers {
                // Only a name of the same length can be one of the four: one length test per
                // field instead of four comparisons (a page has ten fields or so).
                switch field.name.utf8.count {
                case 14 where field.name.equalsIgnoringASCIICase("Content-Length"):
                    handlerLength = field.value
                    continue
                case 10 where field.name.equalsIgnoringASCIICase("Connection"):
                    continue
                case 4 where field.name.equalsIgnoringASCIICase("Date"):
                    hasDate = true
                case 6 where field.name.equalsIgnoringASCIICase("Server"):
                    hasServer = true
                default:
                    break
                }
                head.put(field.name)
                head.put(colonSpace)
                head.put(field.value)
                head.put(crlf)
            }
            if !hasDate {
                head.put(dateName)
                head.put(date)
                head.put(crlf)
            }
            if !hasServer && !serverName.isEmpty {
                head.put(serverHeaderName)
                head.put(serverName)
                head.put(crlf)
            }
            if !statusForbidsBody {
                head.put(contentLengthName)
                // A HEAD handler may state the length of the body it left out.
                if request.isHead, response.body.isEmpty, response.bodyFiles.isEmpty, let handlerLength {
                    head.put(handlerLength)
                } else {
                    head.putDecimal(response.bodyFiles.isEmpty ? response.body.count : response.bodyLength)
                }
                head.put(crlf)
            }
            if closes {
                head.put(connectionClose)
            } else if request.version == .http1_0 {
                head.put(connectionKeepAlive)
            }
            head.put(crlf)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<head.count]))
        }
        if sendsBody { out.append(contentsOf: response.body) }
        return Encoded(closes: closes, streamsFiles: sendsBody && !response.bodyFiles.isEmpty)
    }

    /// Writes into a buffer sized beforehand; writing past its end stops the process rather
    /// than corrupt memory.
    private struct HeadWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        mutating func put(_ byte: UInt8) {
            precondition(count < buffer.count, "response head larger than computed")
            buffer[count] = byte
            count += 1
        }

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress else { return }
            precondition(count + bytes.count <= buffer.count, "response head larger than computed")
            (buffer.baseAddress! + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        mutating func put(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { put($0) }
        }

        mutating func put(_ text: String) {
            let copied: Void? = text.utf8.withContiguousStorageIfAvailable { put($0) }
            if copied == nil {
                for byte in text.utf8 { put(byte) }
            }
        }

        mutating func putDecimal(_ value: Int) {
            guard value > 0 else {
                put(UInt8(ascii: "0"))
                return
            }
            var divisor = 1
            while divisor <= value / 10 { divisor *= 10 }
            while divisor > 0 {
                put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
    }

    private static let httpVersionPrefix: [UInt8] = Array("HTTP/1.1 ".utf8)
    private static let space = UInt8(ascii: " ")
    private static let crlf: [UInt8] = [13, 10]
    private static let colonSpace: [UInt8] = Array(": ".utf8)
    private static let dateName: [UInt8] = Array("Date: ".utf8)
    private static let serverHeaderName: [UInt8] = Array("Server: ".utf8)
    private static let contentLengthName: [UInt8] = Array("Content-Length: ".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
}
