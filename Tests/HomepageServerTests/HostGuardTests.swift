import HTTPCore
import Testing

@testable import HomepageServer

@Suite struct HostGuardTests {
    private func request(target: String, host: String?) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let host { headers.add("Host", host) }
        return HTTPRequest(method: "GET", target: target, path: "/", headers: headers)
    }

    @Test func originFormUsesTheHostHeader() {
        #expect(HostGuard.effectiveHost(of: request(target: "/", host: "127.0.0.1:8069")) == "127.0.0.1:8069")
    }

    @Test func absoluteFormAuthorityWinsOverTheHostHeader() {
        let absolute = request(target: "http://evil.example:8069/settings?x=1", host: "127.0.0.1:8069")
        #expect(HostGuard.effectiveHost(of: absolute) == "evil.example:8069")
        let secure = request(target: "HTTPS://Evil.Example/", host: "localhost")
        #expect(HostGuard.effectiveHost(of: secure) == "Evil.Example")
    }

    @Test func userinfoInAnAbsoluteTargetIsNotTheHost() {
        let sneaky = request(target: "http://127.0.0.1@evil.example/", host: "127.0.0.1")
        #expect(HostGuard.effectiveHost(of: sneaky) == "evil.example")
    }
}
