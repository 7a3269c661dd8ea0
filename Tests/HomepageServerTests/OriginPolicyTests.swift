import HTTPCore
import Testing

@testable import HomepageServer

@Suite struct WebOriginTests {
    @Test func originsCompareBySchemeHostAndEffectivePort() throws {
        let plain = try #require(WebOrigin(serialized: "http://192.168.1.10"))
        #expect(plain == WebOrigin(serialized: "HTTP://192.168.1.10:80"))
        #expect(plain != WebOrigin(serialized: "https://192.168.1.10:80"))
        #expect(plain != WebOrigin(serialized: "http://192.168.1.10:8069"))
        #expect(WebOrigin(serialized: "http://[::1]:8069") == WebOrigin(serialized: "http://[0:0:0:0:0:0:0:1]:8069"))
        #expect(
            WebOrigin(serialized: "https://Box.Example.COM.") == WebOrigin(serialized: "https://box.example.com:443"))
    }

    @Test(arguments: [
        "null", "", "file://", "ftp://box", "http://", "http://box/", "http://box/path", "http://user@box",
        "http://box:99999", "http://bad host", "javascript:alert(1)", "http//box",
    ])
    func anythingButASerializedHTTPOriginIsNoOrigin(text: String) {
        #expect(WebOrigin(serialized: text) == nil)
    }

    @Test func aURLGivesItsOrigin() {
        #expect(WebOrigin(url: "https://evil.example/page?x=1#y") == WebOrigin(serialized: "https://evil.example"))
        #expect(
            WebOrigin(url: "http://192.168.1.10:8069/settings") == WebOrigin(serialized: "http://192.168.1.10:8069"))
        #expect(WebOrigin(url: "http://user:pw@box/") == nil)
        #expect(WebOrigin(url: "about:blank") == nil)
    }

    @Test func descriptionIsTheASCIISerialization() {
        #expect(WebOrigin(serialized: "HTTPS://Shop.Example.com:443")?.description == "https://shop.example.com")
        #expect(WebOrigin(serialized: "http://[0::1]:8069")?.description == "http://[::1]:8069")
        #expect(WebOrigin(serialized: "http://10.0.0.1:8069")?.description == "http://10.0.0.1:8069")
    }
}

@Suite struct OriginPolicyTests {
    let policy = OriginPolicy(
        addresses: ["192.168.1.10", "127.0.0.1", "::1", "fe80::1%eth0"], hostName: "IoTBox-Shop",
        httpsNames: ["192-168-1-10.abcd1234.odoo-iot.com"], httpPorts: [80, 8069], httpsPorts: [8443])

    @Test(arguments: [
        "http://192.168.1.10", "http://192.168.1.10:8069", "http://localhost:8069", "http://LOCALHOST",
        "http://iotbox-shop:8069", "http://[::1]:8069", "http://[fe80::1]", "http://127.0.0.1:80",
        "https://192-168-1-10.abcd1234.odoo-iot.com:8443", "https://192.168.1.10:8443", "https://localhost:8443",
    ])
    func theBoxsOwnOriginsAreOwn(text: String) throws {
        #expect(policy.isOwn(try #require(WebOrigin(serialized: text))))
    }

    @Test(arguments: [
        "https://evil.example", "http://evil.example:8069", "http://192.168.1.11:8069", "http://192.168.1.10:8070",
        "https://192.168.1.10:8069", "http://192-168-1-10.abcd1234.odoo-iot.com:8443",
        "https://192-168-1-10.abcd1234.odoo-iot.com", "https://192-168-1-11.abcd1234.odoo-iot.com:8443",
        "https://abcd1234.odoo-iot.com:8443", "http://[::2]:8069",
    ])
    func otherOriginsAreNot(text: String) throws {
        #expect(!policy.isOwn(try #require(WebOrigin(serialized: text))))
    }

    func post(host: String? = "192.168.1.10:8069", secure: Bool = false, _ fields: [(String, String)]) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let host { headers.add("Host", host) }
        for (name, value) in fields { headers.add(name, value) }
        var request = HTTPRequest(
            method: "POST", target: "/settings/server", path: "/settings/server", headers: headers)
        request.isSecure = secure
        return request
    }

    @Test func theIssuesAttackIsRefused() {
        let request = post([
            ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Content-Type", "text/plain"),
        ])
        #expect(policy.refusal(for: request) == .foreignOrigin("https://evil.example"))
    }

    @Test func aForeignOriginIsRefusedWhateverElseTheRequestSays() {
        #expect(policy.refusal(for: post([("Origin", "https://evil.example")])) != nil)
        #expect(
            policy.refusal(for: post([("Origin", "https://evil.example"), ("Sec-Fetch-Site", "same-origin")])) != nil)
        #expect(
            policy.refusal(
                for: post([("Origin", "https://evil.example"), ("Referer", "http://192.168.1.10:8069/settings")]))
                != nil)
        #expect(policy.refusal(for: post([("Origin", "null")])) == .foreignOrigin("null"))
        #expect(
            policy.refusal(for: post([("Origin", "http://192.168.1.10:8069"), ("Origin", "https://evil.example")]))
                != nil)
    }

    @Test func crossSiteFetchWithoutOriginIsRefused() {
        #expect(policy.refusal(for: post([("Sec-Fetch-Site", "cross-site")])) == .crossSiteFetch)
        #expect(policy.refusal(for: post([("Sec-Fetch-Site", " Cross-Site ")])) == .crossSiteFetch)
        #expect(
            policy.refusal(for: post([("Sec-Fetch-Site", "cross-site"), ("Referer", "http://192.168.1.10:8069/")]))
                == .crossSiteFetch)
    }

    @Test func aForeignRefererWithoutOriginIsRefused() {
        #expect(
            policy.refusal(for: post([("Referer", "https://evil.example/attack.html")]))
                == .foreignReferer("https://evil.example"))
        #expect(policy.refusal(for: post([("Referer", "not a url")])) != nil)
    }

    @Test func theBoxsOwnPagesMayPost() {
        #expect(
            policy.refusal(for: post([("Origin", "http://192.168.1.10:8069"), ("Sec-Fetch-Site", "same-origin")]))
                == nil)
        #expect(policy.refusal(for: post([("Referer", "http://192.168.1.10:8069/settings")])) == nil)
        #expect(policy.refusal(for: post([("Sec-Fetch-Site", "same-origin")])) == nil)
        // A script or an old browser sends none of the fields: the CSRF token decides.
        #expect(policy.refusal(for: post([])) == nil)
        // The plain page and the TLS page of the box are different sites to a browser.
        #expect(
            policy.refusal(
                for: post(
                    host: "192-168-1-10.abcd1234.odoo-iot.com:8443", secure: true,
                    [("Origin", "http://192.168.1.10:8069"), ("Sec-Fetch-Site", "cross-site")])) == nil)
    }

    @Test func aRequestsOwnOriginIsAllowedUnderAnyNameTheHostCheckAccepted() {
        // Port-forwarded, or a name under the certificate's domain: same origin as the target.
        #expect(policy.refusal(for: post(host: "192.168.1.10:9000", [("Origin", "http://192.168.1.10:9000")])) == nil)
        #expect(
            policy.refusal(
                for: post(
                    host: "box.abcd1234.odoo-iot.com", secure: true, [("Origin", "https://box.abcd1234.odoo-iot.com")]))
                == nil)
        // The same name over the other scheme is another origin.
        #expect(
            policy.refusal(
                for: post(
                    host: "box.abcd1234.odoo-iot.com", secure: true, [("Origin", "http://box.abcd1234.odoo-iot.com")]))
                != nil)
        // HTTP/1.0 without Host names no authority: only the listed origins count.
        #expect(policy.refusal(for: post(host: nil, [("Origin", "http://192.168.1.10:8069")])) == nil)
        #expect(policy.refusal(for: post(host: nil, [("Origin", "http://192.168.1.10:9000")])) != nil)
    }

    @Test func callersMayAllowMoreOrigins() throws {
        let odoo = try #require(WebOrigin(url: "https://shop.odoo.com/web"))
        let request = post([("Origin", "https://shop.odoo.com"), ("Sec-Fetch-Site", "cross-site")])
        #expect(policy.refusal(for: request) != nil)
        #expect(policy.refusal(for: request, alsoAllowing: [odoo]) == nil)
        #expect(
            policy.refusal(for: post([("Origin", "https://evil.example")]), alsoAllowing: [odoo])
                == .foreignOrigin("https://evil.example"))
    }

    @Test func whatThePageSaysNamesTheOriginAndThatNothingChanged() {
        let message = OriginRefusal.foreignOrigin("https://evil.example").message
        #expect(message.contains("https://evil.example"))
        #expect(message.contains("nothing was changed"))
        let shown = policy.refusal(for: post([("Origin", "http://evil.example\u{7f}\u{1b}[31m")]))
        #expect(shown == .foreignOrigin("http://evil.example[31m"))
    }
}
