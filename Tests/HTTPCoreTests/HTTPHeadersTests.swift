import HTTPCore
import Testing

@Suite struct HTTPHeadersTests {
    @Test func namesCompareWithoutCase() {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
    }

    @Test func tokensAreFoundInCommaLists() {
        let headers = HTTPHeaders([("Connection", "keep-alive, Upgrade")])
        #expect(headers.hasToken("upgrade", in: "connection"))
        #expect(!headers.hasToken("close", in: "connection"))
    }

    @Test func setReplacesEveryField() {
        var headers = HTTPHeaders([("X-A", "1"), ("x-a", "2")])
        headers.set("X-A", "3")
        #expect(headers.values(for: "x-a") == ["3"])
    }
}
