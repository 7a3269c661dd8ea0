import Foundation
import Glibc
import HTTPCore
import TestSupport
import Testing

@Suite struct ClientProxyTests {
    static let hello = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".utf8)

    private func client(proxyPort: Int, caFile: String? = nil) -> HTTPClient {
        // Loopback normally skips the proxy; the tests need it to go through one.
        let endpoint = ProxySettings.Endpoint(host: "127.0.0.1", port: proxyPort)
        var configuration = HTTPClient.Configuration(
            extraCAFile: caFile, proxy: ProxySettings(httpsProxy: endpoint, bypassesLoopback: false))
        configuration.totalTimeout = .seconds(20)
        return HTTPClient(configuration: configuration)
    }

    private func failure(_ client: HTTPClient, _ url: String) -> HTTPClientError? {
        do throws(HTTPClientError) {
            _ = try client.send(HTTPClientRequest(url: url))
            return nil
        } catch {
            return error
        }
    }

    @Test func httpsGoesThroughAConnectTunnel() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca, names: ["localhost"])
        let context = try TLSServerContext(certificateChainPEM: leaf.certificate.pem, privateKeyPEM: leaf.key.pkcs8PEM)
        let server = try FakeServer(tls: context, behaviour: .respond(Self.hello))
        defer { server.stop() }
        let proxy = try ClientTestProxy(behaviour: .tunnel)
        defer { proxy.stop() }
        try TLSTestSupport.withTemporaryDirectory { directory in
            let caFile = directory.appendingPathComponent("ca.pem")
            try Data(ca.certificate.pem).write(to: caFile)
            let response = try client(proxyPort: proxy.port, caFile: caFile.path).send(
                HTTPClientRequest(url: "https://localhost:\(server.port)/"))
            #expect(response.body == Array("hello".utf8))
        }
        #expect(proxy.receivedRequestLines == ["CONNECT localhost:\(server.port) HTTP/1.1"])
    }

    @Test func refusedConnectReportsTheStatus() throws {
        let proxy = try ClientTestProxy(behaviour: .refuse(status: 403))
        defer { proxy.stop() }
        #expect(failure(client(proxyPort: proxy.port), "https://example.test/") == .proxyRefused(status: 403))
    }

    @Test func unreachableProxyIsReported() throws {
        let (descriptor, port) = try TestSockets.refusingPort()
        defer { close(descriptor) }
        let error = failure(client(proxyPort: port), "https://example.test/")
        guard case .proxyFailed(let detail) = error else {
            Issue.record("expected proxyFailed, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("127.0.0.1"))
    }
}

@Suite struct ClientProxySettingsTests {
    @Test func environmentNamesTheProxyPerScheme() {
        let settings = ProxySettings.fromEnvironment([
            "HTTPS_PROXY": "http://user:pa%40ss@proxy.shop.lan:3128", "http_proxy": "plain.shop.lan",
            "no_proxy": "odoo.com, .internal.lan,10.0.0.0/8,192.168.1.5",
        ])
        #expect(settings.httpsProxy?.host == "proxy.shop.lan")
        #expect(settings.httpsProxy?.port == 3128)
        #expect(settings.httpsProxy?.authorization == "Basic " + Data("user:pa@ss".utf8).base64EncodedString())
        #expect(settings.httpProxy == ProxySettings.Endpoint(host: "plain.shop.lan", port: 80))
        #expect(settings.noProxy == ["odoo.com", ".internal.lan", "10.0.0.0/8", "192.168.1.5"])
    }

    @Test func upperCaseWinsOverLowerCase() {
        let settings = ProxySettings.fromEnvironment(["HTTPS_PROXY": "upper:1", "https_proxy": "lower:2"])
        #expect(settings.httpsProxy?.host == "upper")
    }

    @Test func httpsDoesNotFallBackToTheHTTPProxy() {
        let settings = ProxySettings.fromEnvironment(["HTTP_PROXY": "proxy:8080"])
        #expect(settings.proxy(isHTTPS: true, host: "www.odoo.com", port: 443) == nil)
        #expect(settings.proxy(isHTTPS: false, host: "www.odoo.com", port: 80)?.port == 8080)
    }

    @Test func noProxyMatchesDomainsAddressesAndBlocks() {
        let settings = ProxySettings(
            httpsProxy: ProxySettings.Endpoint(host: "proxy", port: 3128),
            noProxy: ["odoo.com", ".internal.lan", "10.0.0.0/8", "192.168.1.5", "special.test:8443"])
        func direct(_ host: String, _ port: Int = 443) -> Bool {
            settings.proxy(isHTTPS: true, host: host, port: port) == nil
        }
        #expect(direct("odoo.com"))
        #expect(direct("www.odoo.com"))
        #expect(!direct("notodoo.com"))
        #expect(direct("box.internal.lan"))
        #expect(direct("10.20.30.40"))
        #expect(!direct("11.0.0.1"))
        #expect(direct("192.168.1.5"))
        #expect(!direct("192.168.1.6"))
        #expect(direct("special.test", 8443))
        #expect(!direct("special.test", 443))
        #expect(direct("localhost"))
        #expect(direct("127.0.0.1"))
    }

    @Test func starDisablesTheProxy() {
        let settings = ProxySettings(httpsProxy: ProxySettings.Endpoint(host: "proxy", port: 3128), noProxy: ["*"])
        #expect(settings.proxy(isHTTPS: true, host: "www.odoo.com", port: 443) == nil)
    }

    @Test func tlsProxyURLIsIgnored() {
        #expect(ProxySettings.parseEndpoint("https://proxy:443") == nil)
        #expect(ProxySettings.fromEnvironment(["HTTPS_PROXY": "https://proxy:443"]).httpsProxy == nil)
    }
}
