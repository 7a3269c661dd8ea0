import HTTPCore
import Testing

@testable import HomepageServer

/// The forms refuse requests caused by another site (`OriginPolicy`), before anything is read
/// or saved, and still work from the box's own pages.
@Suite struct RouteOriginTests {
    @Test func theIssuesAttackWithAValidTokenSavesNothing() throws {
        let box = try InProcessBox()
        let response = box.submit(
            "/settings/server", [("server_url", "https://evil.example")],
            headers: [
                ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Content-Type", "text/plain"),
            ])
        #expect(response.status == 403)
        #expect(response.text.contains("https://evil.example"))
        #expect(response.text.contains("nothing was changed"))
        #expect(box.odooConfText.isEmpty)
    }

    @Test(arguments: [
        [("Origin", "https://evil.example")], [("Origin", "null")], [("Sec-Fetch-Site", "cross-site")],
        [("Referer", "http://evil.example/page")], [("Origin", "http://192.168.1.10:8070")],
    ])
    func everyFormRefusesAnotherSite(headers: [(String, String)]) throws {
        let box = try InProcessBox()
        let forms: [(String, [(String, String)])] = [
            ("/settings/server", [("server_url", "https://shop.example.com")]),
            ("/settings/credential", [("db_uuid", "0123"), ("enterprise_code", "M1234")]),
            ("/settings/credential/clear", []), ("/settings/log-level", [("level", "debug")]),
            ("/certificate/check", []),
        ]
        for (path, fields) in forms {
            let response = box.submit(path, fields, headers: headers)
            #expect(response.status == 403, "\(path) with \(headers)")
            #expect(response.headers["Location"] == nil)
        }
        #expect(box.odooConfText.isEmpty)
        #expect(box.app.logLevel.name.rawValue == "warning")
        #expect(box.provisioning.requestCount == 0)
    }

    @Test func theBoxsOwnPageStillPosts() throws {
        let box = try InProcessBox()
        let response = box.submit(
            "/settings/log-level", [("level", "info")],
            headers: [
                ("Origin", "http://192.168.1.10:8069"), ("Sec-Fetch-Site", "same-origin"),
                ("Referer", "http://192.168.1.10:8069/settings"),
            ])
        #expect(response.status == 303)
        #expect(box.app.logLevel.name.rawValue == "info")
    }
}

extension InProcessBox {
    /// Posts a urlencoded form with a session and its CSRF token (a leaked token: the attack
    /// of issue 14 assumes the attacker has one) and the given extra header fields (a
    /// `Content-Type` among them replaces the form's).
    func submit(_ path: String, _ fields: [(String, String)], headers: [(String, String)]) -> HTTPResponse {
        let session = app.csrf.newSession()
        let body = (fields + [("csrf_token", app.csrf.token(for: session))])
            .map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var all = headers + [("Cookie", "\(CSRFProtection.cookieName(secure: false))=\(session.value)")]
        if !headers.contains(where: { $0.0 == "Content-Type" }) {
            all.append(("Content-Type", "application/x-www-form-urlencoded"))
        }
        return send("POST", path, headers: all, body: Array(body.utf8))
    }
}
