/// The four forms of request-target (RFC 9112 §3.2) and which method may use which:
/// origin-form for all but CONNECT, absolute-form for all, authority-form only for CONNECT,
/// asterisk-form only for OPTIONS. The path stays percent-encoded.
enum RequestTargetForm {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func split(
        _ bytes: Bytes, _ start: Int, _ end: Int, method: String
    ) throws(HTTPParseError) -> (path: String, query: String?) {
        let first = bytes[start]
        let isConnect = method == "CONNECT"
        if first == UInt8(ascii: "/") && !isConnect {
            return pathAndQuery(bytes, start, end)
        }
        if first == UInt8(ascii: "*") && end - start == 1 {
            guard method == "OPTIONS" else {
                throw HTTPParseError(status: 400, reason: "asterisk-form is only for OPTIONS")
            }
            return ("*", nil)
        }
        if isConnect {
            guard isAuthority(bytes, start, end) else {
                throw HTTPParseError(status: 400, reason: "CONNECT needs an authority-form target")
            }
            return (HTTPByteClass.string(bytes, start, end), nil)
        }
        if let authorityStart = schemeEnd(bytes, start, end) {
            return try absoluteForm(bytes, authorityStart, end)
        }
        throw HTTPParseError(status: 400, reason: "malformed request target")
    }

    /// Splits `path?query`; the query is kept without its `?`.
    private static func pathAndQuery(_ bytes: Bytes, _ start: Int, _ end: Int) -> (path: String, query: String?) {
        var index = start
        while index < end && bytes[index] != UInt8(ascii: "?") { index += 1 }
        let path = HTTPByteClass.string(bytes, start, index)
        guard index < end else { return (path, nil) }
        return (path, HTTPByteClass.string(bytes, index + 1, end))
    }

    /// Where the authority begins after `http://` or `https://` (scheme without case), or nil.
    private static func schemeEnd(_ bytes: Bytes, _ start: Int, _ end: Int) -> Int? {
        if HTTPByteClass.equalsLowercase(bytes, start, min(start + 7, end), "http://") { return start + 7 }
        if HTTPByteClass.equalsLowercase(bytes, start, min(start + 8, end), "https://") { return start + 8 }
        return nil
    }

    /// `http://host[:port][/path][?query]`: the path defaults to `/`.
    private static func absoluteForm(
        _ bytes: Bytes, _ authorityStart: Int, _ end: Int
    ) throws(HTTPParseError) -> (path: String, query: String?) {
        var index = authorityStart
        while index < end && bytes[index] != UInt8(ascii: "/") && bytes[index] != UInt8(ascii: "?") {
            index += 1
        }
        guard index > authorityStart, isAuthority(bytes, authorityStart, index, requirePort: false) else {
            throw HTTPParseError(status: 400, reason: "malformed authority in absolute-form target")
        }
        if index == end { return ("/", nil) }
        if bytes[index] == UInt8(ascii: "?") {
            return ("/", HTTPByteClass.string(bytes, index + 1, end))
        }
        return pathAndQuery(bytes, index, end)
    }

    /// `host:port` (RFC 9112 §3.2.3); the host may be a bracketed IPv6 literal. No userinfo.
    private static func isAuthority(_ bytes: Bytes, _ start: Int, _ end: Int, requirePort: Bool = true) -> Bool {
        guard start < end else { return false }
        var colon: Int?
        var inBrackets = false
        for index in start..<end {
            switch bytes[index] {
            case UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"): return false
            case UInt8(ascii: "["): inBrackets = true
            case UInt8(ascii: "]"): inBrackets = false
            case UInt8(ascii: ":") where !inBrackets: colon = index
            default: break
            }
        }
        guard let colon else { return !requirePort }
        guard colon > start else { return false }
        let portStart = colon + 1
        if portStart == end { return !requirePort }
        for index in portStart..<end where !(0x30...0x39).contains(bytes[index]) { return false }
        return end - portStart <= 5
    }
}
