import Foundation
import HTTPCore
import Synchronization

/// A response as a test reads it: status, headers, and the body as text.
public struct EndToEndResponse {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers[name] }

    /// `box_flash=ID` from a form's `Set-Cookie`, ready to send back as `Cookie`.
    public var flashCookie: String? {
        for value in headers.values(for: "Set-Cookie") where value.hasPrefix("box_flash=") {
            return value.split(separator: ";").first.map(String.init)
        }
        return nil
    }
}

/// Talks to one box over real sockets with HTTPCore's client: plain HTTP by `127.0.0.1:PORT`,
/// or HTTPS by the box's `odoo-iot.com` name, resolved to loopback and verified against the
/// sandbox CA.
public struct EndToEndClient {
    public let port: Int
    public let caFile: String
    /// The plain listener's session cookie, kept and sent back as a browser does, so a token
    /// read from a page is posted with the session it belongs to.
    public let sessionCookie: SessionCookieJar

    public init(port: Int, caFile: String, sessionCookie: SessionCookieJar = SessionCookieJar()) {
        self.port = port
        self.caFile = caFile
        self.sessionCookie = sessionCookie
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private var plainClient: HTTPClient {
        var configuration = HTTPClient.Configuration(proxy: .direct)
        configuration.totalTimeout = .seconds(20)
        return HTTPClient(configuration: configuration)
    }

    /// A client that trusts the sandbox CA and sends every name to 127.0.0.1, as the shop's DNS
    /// would send the box's name to the box.
    public var verifyingClient: HTTPClient {
        var configuration = HTTPClient.Configuration(extraCAFile: caFile, proxy: .direct)
        configuration.totalTimeout = .seconds(20)
        configuration.resolver = HTTPClientResolver { _ in ["127.0.0.1"] }
        return HTTPClient(configuration: configuration)
    }

    public func get(_ path: String, host: String? = nil, cookie: String? = nil) throws -> EndToEndResponse {
        try send("GET", path, host: host, cookie: cookie)
    }

    /// POSTs `fields` form-encoded, in the given order.
    public func post(_ path: String, _ fields: [(String, String)], host: String? = nil) throws -> EndToEndResponse {
        let body = fields.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return try send(
            "POST", path, host: host, contentType: "application/x-www-form-urlencoded", body: Array(body.utf8))
    }

    /// POSTs `fields` with the box's CSRF token added first, as the page's form would.
    public func submit(_ path: String, _ fields: [(String, String)] = []) throws -> EndToEndResponse {
        try post(path, [("csrf_token", try csrfToken())] + fields)
    }

    public func send(
        _ method: String, _ path: String, host: String? = nil, cookie: String? = nil, contentType: String? = nil,
        body: [UInt8] = [], extraHeaders: [(String, String)] = []
    ) throws -> EndToEndResponse {
        var headers = HTTPHeaders()
        for (name, value) in extraHeaders { headers.add(name, value) }
        if let host { headers.set("Host", host) }
        let cookies = [cookie, sessionCookie.pair].compactMap { $0 }
        if !cookies.isEmpty, !headers.contains("Cookie") { headers.set("Cookie", cookies.joined(separator: "; ")) }
        if let contentType { headers.set("Content-Type", contentType) }
        let response = try plainClient.send(
            HTTPClientRequest(method: method, url: baseURL + path, headers: headers, body: body))
        sessionCookie.remember(response.headers)
        return EndToEndResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// GET over verified TLS of an absolute `https://` URL.
    public func getSecure(_ url: String, host: String? = nil) throws -> EndToEndResponse {
        var headers = HTTPHeaders()
        if let host { headers.set("Host", host) }
        let response = try verifyingClient.send(HTTPClientRequest(url: url, headers: headers))
        return EndToEndResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// The hidden `csrf_token` of the settings page's forms.
    public func csrfToken() throws -> String {
        let page = try get("/settings").text
        guard let match = page.firstMatch(of: /name="csrf_token" value="([0-9a-f]+)"/) else {
            throw EndToEndBoxError.noCSRFToken
        }
        return String(match.1)
    }

    public func status() throws -> [String: Any] {
        let response = try get("/status.json")
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw EndToEndBoxError.notJSON(response.text)
        }
        return object
    }

    /// RFC 3986 unreserved characters stay; every other byte is `%XX`.
    public static func formEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }
}

/// The `box_session` cookie of one box, as a browser keeps it: replaced by every `Set-Cookie`
/// that names it, forgotten when one clears it.
public final class SessionCookieJar: Sendable {
    private let value = Mutex<String?>(nil)

    public init() {}

    /// `box_session=VALUE`, or nil before the box set one.
    public var pair: String? { value.withLock { $0.map { "box_session=\($0)" } } }

    public func remember(_ headers: HTTPHeaders) {
        for header in headers.values(for: "Set-Cookie") where header.hasPrefix("box_session=") {
            let cookie = header.split(separator: ";")[0].dropFirst("box_session=".count)
            let cleared = header.contains("Max-Age=0") || cookie.isEmpty
            value.withLock { $0 = cleared ? nil : String(cookie) }
        }
    }

    public func forget() {
        value.withLock { $0 = nil }
    }
}
