/// How the body of a request is delimited (RFC 9112 §6.3).
enum RequestBodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
}

/// The fields that decide framing and validity, noted while the head is parsed so the
/// header list is never searched again.
struct RequestFramingFields {
    var hostCount = 0
    var hostValue: String?
    var contentLengths: [String] = []
    var transferEncodings: [String] = []
    var expectations: [String] = []

    @inline(__always)
    mutating func note(_ bytes: UnsafeBufferPointer<UInt8>, nameStart: Int, nameEnd: Int, value: String) {
        switch nameEnd - nameStart {
        case 4 where HTTPByteClass.equalsLowercase(bytes, nameStart, nameEnd, "host"):
            hostCount += 1
            hostValue = value
        case 6 where HTTPByteClass.equalsLowercase(bytes, nameStart, nameEnd, "expect"):
            expectations.append(value)
        case 14 where HTTPByteClass.equalsLowercase(bytes, nameStart, nameEnd, "content-length"):
            contentLengths.append(value)
        case 17 where HTTPByteClass.equalsLowercase(bytes, nameStart, nameEnd, "transfer-encoding"):
            transferEncodings.append(value)
        default:
            break
        }
    }

    func framing(
        version: HTTPVersion, limits: HTTPParserLimits
    ) throws(HTTPParseError) -> (body: RequestBodyFraming, expectsContinue: Bool) {
        if hostCount > 1 { throw HTTPParseError(status: 400, reason: "more than one Host field") }
        if hostCount == 0 && version == .http1_1 {
            throw HTTPParseError(status: 400, reason: "HTTP/1.1 request without Host")
        }
        let body = try bodyFraming(version: version, limits: limits)
        let expectsContinue = try continueExpected(version: version, body: body)
        return (body, expectsContinue)
    }

    private func bodyFraming(version: HTTPVersion, limits: HTTPParserLimits) throws(HTTPParseError)
        -> RequestBodyFraming
    {
        if !transferEncodings.isEmpty {
            // Both framings at once is the classic request-smuggling shape (RFC 9112 §6.3).
            if !contentLengths.isEmpty {
                throw HTTPParseError(status: 400, reason: "Transfer-Encoding with Content-Length")
            }
            if version == .http1_0 {
                throw HTTPParseError(status: 400, reason: "Transfer-Encoding in an HTTP/1.0 request")
            }
            try checkTransferCodings()
            return .chunked
        }
        guard !contentLengths.isEmpty else { return .none }
        let length = try contentLength()
        if length > limits.maxBodySize { throw HTTPParseError(status: 413, reason: "body larger than allowed") }
        return length == 0 ? .none : .length(length)
    }

    /// Only `chunked` is implemented, so it must be the one and only coding.
    private func checkTransferCodings() throws(HTTPParseError) {
        var codings: [Substring] = []
        for value in transferEncodings {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let coding = element.trimmingASCIIWhitespace()
                if !coding.isEmpty { codings.append(coding) }
            }
        }
        guard !codings.isEmpty else { throw HTTPParseError(status: 400, reason: "empty Transfer-Encoding") }
        for coding in codings where !coding.equalsIgnoringASCIICase("chunked") {
            throw HTTPParseError(status: 501, reason: "transfer coding not implemented")
        }
        guard codings.count == 1 else { throw HTTPParseError(status: 400, reason: "chunked applied more than once") }
    }

    /// Every element of every Content-Length field must be the same run of digits.
    private func contentLength() throws(HTTPParseError) -> Int {
        var result: Int?
        for value in contentLengths {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let length = try Self.parseDigits(element.trimmingASCIIWhitespace())
                if let result, result != length {
                    throw HTTPParseError(status: 400, reason: "conflicting Content-Length values")
                }
                result = length
            }
        }
        guard let result else { throw HTTPParseError(status: 400, reason: "malformed Content-Length") }
        return result
    }

    private static func parseDigits(_ text: Substring) throws(HTTPParseError) -> Int {
        guard !text.isEmpty else { throw HTTPParseError(status: 400, reason: "malformed Content-Length") }
        var value = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else {
                throw HTTPParseError(status: 400, reason: "malformed Content-Length")
            }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int(byte - 0x30))
            if overflowA || overflowB { throw HTTPParseError(status: 400, reason: "Content-Length overflows") }
            value = sum
        }
        return value
    }

    /// Only `100-continue` is known (RFC 9110 §10.1.1); HTTP/1.0 clients get no interim
    /// response, and a request without a body needs none.
    private func continueExpected(version: HTTPVersion, body: RequestBodyFraming) throws(HTTPParseError) -> Bool {
        guard !expectations.isEmpty else { return false }
        for value in expectations {
            for element in value.split(separator: ",") {
                let expectation = element.trimmingASCIIWhitespace()
                if expectation.isEmpty { continue }
                guard expectation.equalsIgnoringASCIICase("100-continue") else {
                    throw HTTPParseError(status: 417, reason: "unsupported expectation")
                }
            }
        }
        return version == .http1_1 && body != .none
    }
}
