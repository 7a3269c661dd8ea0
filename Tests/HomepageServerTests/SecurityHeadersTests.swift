import HTTPCore
import Testing

@testable import HomepageServer

@Suite struct SecurityHeadersTests {
    @Test func pagesGetTheHardeningHeaders() {
        let response = SecurityHeaders.applied(to: HTTPResponse(status: 200), noStore: false)
        #expect(
            response.headers["Content-Security-Policy"]
                == "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["Referrer-Policy"] == "same-origin")
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["Cache-Control"] == nil)
    }

    @Test func settingsPagesAreNotStored() {
        var headers = HTTPHeaders([("Cache-Control", "max-age=60")])
        SecurityHeaders.apply(to: &headers, noStore: true)
        #expect(headers.values(for: "Cache-Control") == ["no-store"])
    }

    /// A page's answer gets its fields appended (it has none of them yet): the same fields, in
    /// the same order, as setting them.
    @Test(arguments: [false, true])
    func addingToANewAnswerGivesTheFieldsSettingGives(noStore: Bool) {
        var added = HTTPHeaders([("Content-Type", "text/html; charset=utf-8")])
        SecurityHeaders.add(to: &added, noStore: noStore, contentSecurityPolicy: "default-src 'self'")
        var set = HTTPHeaders([("Content-Type", "text/html; charset=utf-8")])
        SecurityHeaders.apply(to: &set, noStore: noStore, contentSecurityPolicy: "default-src 'self'")
        #expect(added == set)
        #expect(added.values(for: "Cache-Control") == (noStore ? ["no-store"] : []))
    }
}
