import Foundation
import HTTPCore
import TestSupport
import Testing

/// Issue 14's forged form, reproduced against the built executable over a socket: a page
/// elsewhere that has a token seen on a settings page gets 403 and changes nothing, while the
/// page's own form still works.
@Suite struct EndToEndCSRFTests {
    typealias Observable = EndToEndRequestGuardTests.Observable

    static func formBody(_ fields: [(String, String)]) -> [UInt8] {
        Array(
            fields.map { "\(EndToEndClient.formEncode($0.0))=\(EndToEndClient.formEncode($0.1))" }
                .joined(separator: "&").utf8)
    }

    @Test func theIssuesAttackWithALeakedTokenIsRefused() throws {
        let box = try EndToEndRequestGuardTests.settledBox()
        let before = try Observable(box)
        let leaked = try box.client.csrfToken()
        let attack: [(String, String)] = [
            ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors"),
        ]
        for form in EndToEndRequestGuardTests.forms {
            let body = Self.formBody([("csrf_token", leaked)] + form.fields)
            // The worst case, as if the browser had sent its session cookie along: Origin decides.
            let withCookie = try box.client.send(
                "POST", form.path, contentType: "text/plain", body: body, extraHeaders: attack)
            #expect(withCookie.status == 403, "\(form.path) from another site")
            #expect(withCookie.text.contains("https://evil.example"))
            #expect(withCookie.flashCookie == nil)
            // What SameSite=Strict makes of it: no cookie, so the token is worth nothing.
            // (A Cookie field of the test's own keeps the client from adding the session's.)
            let withoutCookie = try box.client.send(
                "POST", form.path, contentType: "text/plain", body: body, extraHeaders: [("Cookie", "other=1")])
            #expect(withoutCookie.status == 403, "\(form.path) without the session cookie")
        }
        #expect(try Observable(box) == before)
        let log = try String(contentsOfFile: box.dataDirectory + "/logs/homepage.log", encoding: .utf8)
        #expect(log.contains("Origin https://evil.example is not one of the box's own"))
    }

    @Test func thePagesOwnFormWorksWithTheBrowsersHeaders() throws {
        let box = try EndToEndBox()
        let page = try box.client.get("/settings")
        let setCookie = try #require(page.headers.values(for: "Set-Cookie").first { $0.hasPrefix("box_session=") })
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Strict"))
        #expect(!setCookie.contains("Secure"))
        let token = try box.client.csrfToken()
        let origin = box.client.baseURL
        let saved = try box.client.send(
            "POST", "/settings/log-level", contentType: "application/x-www-form-urlencoded",
            body: Self.formBody([("csrf_token", token), ("level", "debug")]),
            extraHeaders: [
                ("Origin", origin), ("Sec-Fetch-Site", "same-origin"), ("Referer", origin + "/settings"),
            ])
        #expect(saved.status == 303)
        #expect(try box.client.status().string("log_level") == "debug")
        // The answer started a new session: the token of the page shown before is refused.
        let stale = try box.client.send(
            "POST", "/settings/log-level", contentType: "application/x-www-form-urlencoded",
            body: Self.formBody([("csrf_token", token), ("level", "error")]))
        #expect(stale.status == 403)
        #expect(try box.client.status().string("log_level") == "debug")
    }

    @Test func aSessionSurvivesARestartOfTheBox() throws {
        let box = try EndToEndBox()
        let token = try box.client.csrfToken()
        try box.restart()
        let saved = try box.client.post("/settings/log-level", [("csrf_token", token), ("level", "info")])
        #expect(saved.status == 303)
        #expect(try box.client.status().string("log_level") == "info")
        #expect(access(box.dataDirectory + "/form-key", F_OK) == 0)
    }
}
