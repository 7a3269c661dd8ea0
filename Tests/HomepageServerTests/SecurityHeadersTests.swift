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
}
