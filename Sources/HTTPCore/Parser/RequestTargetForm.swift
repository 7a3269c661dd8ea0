/// The four forms of request-target (RFC 9112 §3.2) and which method may use which:
/// origin-form for all but CONNECT, absolute-form for all, authority-form only for CONNECT,
/// asterisk-form only for OPTIONS. The path stays percent-encoded; the authority of an
/// absolute-form or authority-form target is parsed once, as `HostAndPort`.
enum RequestTargetForm {
    typealias Bytes = UnsafeBufferPointer<UInt8>
    typealias Parts = (path: String, query: String?, authority: HostAndPort?)

    static func split(
        _ bytes: Bytes, _ start: Int, _ end: Int, method: String
    ) throws(HTTPParseError) -> Parts {
        let first = bytes[start]
        let isConnect = method == "CONNECT"
        if first == UInt8(ascii: "/") && !isConnect {
            let parts = pathAndQuery(bytes, start, end)
            return (parts.path, parts.query, nil)
        }
        if first == UInt8(ascii: "*") && end - start == 1 {
            guard method == "OPTIONS" else {
                throw HTTPParseError(status: 400, reason: "asterisk-form is only for OPTIONS")
            }
            return ("*", nil, nil)
        }
        if isConnect {
            guard let authority = Self.authority(bytes, start, end), authority.port != nil else {
                throw HTTPParseError(status: 400, reason: "CONNECT needs an authority-form target")
            }
            return (HTTPByteClass.string(bytes, start, end), nil, authority)
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
    ) throws(HTTPParseError) -> Parts {
        var index = authorityStart
        while index < end && bytes[index] != UInt8(ascii: "/") && bytes[index] != UInt8(ascii: "?") {
            index += 1
        }
        guard let authority = Self.authority(bytes, authorityStart, index) else {
            throw HTTPParseError(status: 400, reason: "malformed authority in absolute-form target")
        }
        if index == end { return ("/", nil, authority) }
        if bytes[index] == UInt8(ascii: "?") {
            return ("/", HTTPByteClass.string(bytes, index + 1, end), authority)
        }
        let parts = pathAndQuery(bytes, index, end)
        return (parts.path, parts.query, authority)
    }

    /// `host[:port]` (RFC 9112 §3.2.3); no userinfo.
    private static func authority(_ bytes: Bytes, _ start: Int, _ end: Int) -> HostAndPort? {
        guard let scanned = HostAndPort.scan(bytes, start, end) else { return nil }
        return HostAndPort(HTTPByteClass.string(bytes, start, end), scanned.shifted(by: -start))
    }
}
