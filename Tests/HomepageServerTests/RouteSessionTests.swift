import HTTPCore
import Testing

@testable import HomepageServer

/// The settings page's forms belong to the browser's session (`CSRFProtection`): the page
/// gives the session cookie and a token made from it, a form is accepted only with both, and
/// every accepted form starts a new session.
@Suite struct RouteSessionTests {
    static func sessionCookie(_ response: HTTPResponse, secure: Bool = false) -> String? {
        let name = CSRFProtection.cookieName(secure: secure)
        return response.headers.values(for: "Set-Cookie").first { $0.hasPrefix(name + "=") }
    }

    static func pair(_ setCookie: String) -> String { String(setCookie.split(separator: ";")[0]) }

    static func token(in page: HTTPResponse) throws -> String {
        let match = try #require(page.text.firstMatch(of: /name="csrf_token" value="([0-9a-f]{64})"/))
        return String(match.1)
    }

    func post(_ box: InProcessBox, _ path: String, _ fields: [(String, String)], cookie: String?) -> HTTPResponse {
        let body = fields.map { "\(InProcessBox.encode($0.0))=\(InProcessBox.encode($0.1))" }.joined(separator: "&")
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if let cookie { headers.append(("Cookie", cookie)) }
        return box.send("POST", path, headers: headers, body: Array(body.utf8))
    }

    @Test func thePagesOwnFormWorksAndStartsANewSession() throws {
        let box = try InProcessBox()
        let page = box.get("/settings")
        let setCookie = try #require(Self.sessionCookie(page))
        #expect(setCookie.contains("; HttpOnly"))
        #expect(setCookie.contains("; SameSite=Strict"))
        #expect(setCookie.contains("; Path=/"))
        #expect(!setCookie.contains("Secure"))
        let cookie = Self.pair(setCookie)
        let token = try Self.token(in: page)

        let saved = post(
            box, "/settings/server", [("csrf_token", token), ("server_url", "https://a.example")], cookie: cookie)
        #expect(saved.status == 303)
        #expect(box.odooConfText.contains("remote_server = https://a.example"))
        let rotated = Self.pair(try #require(Self.sessionCookie(saved)))
        #expect(rotated != cookie)

        // The browser now holds the new session: the page shown before no longer works.
        let stale = post(
            box, "/settings/server", [("csrf_token", token), ("server_url", "https://b.example")], cookie: rotated)
        #expect(stale.status == 403)
        #expect(stale.text.contains("nothing was changed"))
        #expect(!box.odooConfText.contains("b.example"))

        // The page shown in the new session does.
        let next = box.get("/settings", cookie: rotated)
        #expect(Self.sessionCookie(next) == nil)
        let nextToken = try Self.token(in: next)
        #expect(nextToken != token)
        let again = post(
            box, "/settings/server", [("csrf_token", nextToken), ("server_url", "https://b.example")], cookie: rotated)
        #expect(again.status == 303)
        #expect(box.odooConfText.contains("remote_server = https://b.example"))
    }

    @Test func aLeakedTokenWithoutTheBrowsersCookieChangesNothing() throws {
        let box = try InProcessBox()
        let token = try Self.token(in: box.get("/settings"))
        // What a page elsewhere can send: the token, but never the SameSite=Strict cookie.
        let forged = post(box, "/settings/credential/clear", [("csrf_token", token)], cookie: nil)
        #expect(forged.status == 403)
        let withAnotherSession = post(
            box, "/settings/log-level", [("csrf_token", token), ("level", "debug")],
            cookie: "box_session=\(box.app.csrf.newSession().value)")
        #expect(withAnotherSession.status == 403)
        #expect(box.app.logLevel.name.rawValue == "warning")
        #expect(box.odooConfText.isEmpty)
    }

    @Test func thePageNeverShowsTheKey() throws {
        let box = try InProcessBox()
        let page = box.get("/settings")
        let key = CSRFProtection.hex(Array(repeating: 7, count: 32))
        #expect(!page.text.contains(key))
        #expect(!box.get("/status.json").text.contains(key))
    }

    @Test func overHTTPSTheCookieIsSecureAndHostPrefixed() throws {
        let box = try InProcessBox()
        var request = HTTPRequest(
            method: "GET", target: "/settings", path: "/settings",
            headers: HTTPHeaders([("Host", "localhost:8443")]))
        request.isSecure = true
        let page = box.handle(request)
        let setCookie = try #require(Self.sessionCookie(page, secure: true))
        #expect(setCookie.hasPrefix("__Host-box_session="))
        #expect(setCookie.hasSuffix("; Secure"))
        #expect(Self.sessionCookie(page, secure: false) == nil)
    }
}
