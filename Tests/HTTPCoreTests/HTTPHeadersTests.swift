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

    /// Elements are cut at commas and trimmed of spaces and tabs, and must equal the token whole,
    /// in any field of that name.
    @Test(arguments: [
        ("close", true), (" close ", true), ("\tClose\t", true), ("keep-alive,close", true), (",,close,,", true),
        ("keep-alive , CLOSE", true), ("closed", false), ("clos", false), ("", false), ("c lose", false),
        ("keep-alive", false),
    ])
    func aListHasATokenOnlyAsAWholeElement(value: String, listed: Bool) {
        let headers = HTTPHeaders([("Connection", "upgrade"), ("connection", value)])
        #expect(headers.hasToken("close", in: "Connection") == listed)
    }

    @Test func setReplacesEveryField() {
        var headers = HTTPHeaders([("X-A", "1"), ("x-a", "2")])
        headers.set("X-A", "3")
        #expect(headers.values(for: "x-a") == ["3"])
    }
}
