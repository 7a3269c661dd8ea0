import Foundation
import HTTPCore
import Testing

@testable import HomepageServer

/// Who may call Odoo's box routes from a web page: the configured Odoo server's origin and the
/// box's own get CORS headers; any other origin gets 403 without a single `Access-Control-`
/// header, and a call it makes changes nothing.
@Suite struct IoTDriverCORSTests {
    static let odoo = IoTDriverRouteTests.odoo
    static let boxPage = IoTDriverRouteTests.boxPage
    static let foreign = [
        "https://evil.example", "null", "https://shop.example.com.evil.example", "http://shop.example.com",
        "https://shop.example.com:8443", "https://192.168.1.10:8069",
    ]
    static let settings = IoTDriverRouteTests.withCredentials

    static let reads = [
        "/iot_drivers/data", "/iot_drivers/iot_logs", "/iot_drivers/download_logs", "/iot_drivers/log_levels",
        "/iot_drivers/check_certificate",
    ]

    /// Every call that changes something, with a body that would succeed from an allowed page.
    static let changes: [(method: String, path: String, body: String)] = [
        (
            "POST", "/iot_drivers/save_credential",
            IoTDriverRouteTests.rpc(
                "{\"db_uuid\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"enterprise_code\": \"OTHER\"}")
        ),
        ("POST", "/iot_drivers/clear_credential", IoTDriverRouteTests.rpc("{}")),
        (
            "POST", "/iot_drivers/log_levels_update",
            IoTDriverRouteTests.rpc(
                "{\"name\": \"iot-logging-root\", \"value\": \"debug\"}")
        ),
        ("GET", "/iot_drivers/clear_credential", ""),
    ]

    static func send(
        _ box: InProcessBox, _ method: String, _ path: String, body: String = "", headers: [(String, String)]
    ) -> HTTPResponse {
        let type = method == "POST" ? [("Content-Type", "application/json")] : []
        return box.send(method, path, headers: type + headers, body: Array(body.utf8))
    }

    static func corsHeaders(_ response: HTTPResponse) -> [String] {
        response.headers.map { $0.name.lowercased() }.filter { $0.hasPrefix("access-control-") }
    }

    /// What a refused call must leave as it was.
    static func observable(_ box: InProcessBox) -> String {
        box.odooConfText + "|\(box.app.logLevel.current)"
    }

    @Test(arguments: [odoo, boxPage])
    func allowedOriginsReadEveryRoute(_ origin: String) throws {
        let box = try InProcessBox(odooConf: Self.settings)
        for path in Self.reads {
            let response = Self.send(box, "GET", path, headers: [("Origin", origin)])
            #expect(response.status == 200, "GET \(path) from \(origin)")
            #expect(response.headers["Access-Control-Allow-Origin"] == origin, "GET \(path) from \(origin)")
            #expect(response.headers["Access-Control-Allow-Credentials"] == nil)
            #expect(response.headers.values(for: "Vary").contains("Origin"), "GET \(path)")
        }
    }

    @Test(arguments: [odoo, boxPage])
    func allowedOriginsMakeEveryCall(_ origin: String) throws {
        for change in Self.changes {
            let box = try InProcessBox(odooConf: Self.settings)
            let before = Self.observable(box)
            let response = Self.send(box, change.method, change.path, body: change.body, headers: [("Origin", origin)])
            #expect(response.status == 200, "\(change.method) \(change.path) from \(origin)")
            #expect(response.headers["Access-Control-Allow-Origin"] == origin)
            #expect(Self.observable(box) != before, "\(change.method) \(change.path) changed something")
        }
    }

    @Test(arguments: foreign)
    func aForeignOriginReadsNothing(_ origin: String) throws {
        let box = try InProcessBox(odooConf: Self.settings)
        for path in Self.reads {
            let response = Self.send(box, "GET", path, headers: [("Origin", origin)])
            #expect(response.status == 403, "GET \(path) from \(origin)")
            #expect(Self.corsHeaders(response).isEmpty, "GET \(path) from \(origin)")
            #expect(!response.text.contains(IoTDriverRouteTests.uuid))
        }
    }

    @Test(arguments: foreign)
    func aForeignOriginChangesNothing(_ origin: String) throws {
        let box = try InProcessBox(odooConf: Self.settings)
        let before = Self.observable(box)
        for change in Self.changes {
            let response = Self.send(box, change.method, change.path, body: change.body, headers: [("Origin", origin)])
            #expect(response.status == 403, "\(change.method) \(change.path) from \(origin)")
            #expect(Self.corsHeaders(response).isEmpty)
        }
        #expect(Self.observable(box) == before)
    }

    @Test func twoOriginFieldsAreRefused() throws {
        let box = try InProcessBox(odooConf: Self.settings)
        let before = Self.observable(box)
        let response = Self.send(
            box, "POST", "/iot_drivers/clear_credential", body: IoTDriverRouteTests.rpc("{}"),
            headers: [("Origin", Self.odoo), ("Origin", "https://evil.example")])
        #expect(response.status == 403)
        #expect(Self.observable(box) == before)
    }

    /// `same-site`: another page under odoo-iot.com, such as another box's.
    @Test(arguments: ["cross-site", "same-site"])
    func anotherSitesRequestWithoutOriginChangesNothing(_ site: String) throws {
        let box = try InProcessBox(odooConf: Self.settings)
        let before = Self.observable(box)
        for change in Self.changes {
            let response = Self.send(
                box, change.method, change.path, body: change.body, headers: [("Sec-Fetch-Site", site)])
            #expect(response.status == 403, "\(change.method) \(change.path)")
            #expect(Self.corsHeaders(response).isEmpty)
        }
        #expect(Self.observable(box) == before)
    }

    /// A navigation (the database's "Download logs" link) sends no Origin: answered, without CORS.
    @Test func readsWithoutOriginAreAnsweredWithoutCORS() throws {
        let box = try InProcessBox(odooConf: Self.settings)
        for path in Self.reads {
            let response = Self.send(box, "GET", path, headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(response.status == 200, "GET \(path)")
            #expect(Self.corsHeaders(response).isEmpty, "GET \(path)")
        }
    }

    @Test func aNewlySavedServerIsAllowedAtOnceAndTheOldOneNoLonger() throws {
        let box = try InProcessBox(odooConf: Self.settings)
        #expect(box.submit("/settings/server", [("server_url", "https://other.example.org:8443/odoo")]).status == 303)
        let newOrigin = Self.send(
            box, "GET", "/iot_drivers/data", headers: [("Origin", "https://other.example.org:8443")])
        #expect(newOrigin.status == 200)
        #expect(newOrigin.headers["Access-Control-Allow-Origin"] == "https://other.example.org:8443")
        #expect(Self.send(box, "GET", "/iot_drivers/data", headers: [("Origin", Self.odoo)]).status == 403)
    }

    // MARK: - Preflights

    static func preflight(
        _ box: InProcessBox, _ path: String, origin: String?, method: String = "POST", privateNetwork: Bool
    ) -> HTTPResponse {
        var headers = [("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", "content-type")]
        if let origin { headers.append(("Origin", origin)) }
        if privateNetwork { headers.append(("Access-Control-Request-Private-Network", "true")) }
        return box.send("OPTIONS", path, headers: headers)
    }

    static let preflighted: [(path: String, method: String)] =
        reads.map { ($0, "GET") } + changes.map { ($0.path, $0.method) }

    @Test(arguments: [true, false])
    func anAllowedOriginsPreflightIsGranted(_ privateNetwork: Bool) throws {
        let box = try InProcessBox(odooConf: Self.settings)
        for route in Self.preflighted {
            let response = Self.preflight(
                box, route.path, origin: Self.odoo, method: route.method, privateNetwork: privateNetwork)
            #expect(response.status == 204, "OPTIONS \(route.path)")
            #expect(response.headers["Access-Control-Allow-Origin"] == Self.odoo)
            let methods = response.headers["Access-Control-Allow-Methods"] ?? ""
            #expect(methods.contains(route.method), "OPTIONS \(route.path) allows \(methods)")
            #expect(response.headers["Access-Control-Allow-Headers"] == "content-type")
            #expect(response.headers["Access-Control-Max-Age"] != nil)
            #expect(
                response.headers["Access-Control-Allow-Private-Network"] == (privateNetwork ? "true" : nil),
                "OPTIONS \(route.path), private network asked: \(privateNetwork)")
        }
    }

    @Test(arguments: [true, false])
    func aForeignOrMissingOriginsPreflightIsRefused(_ privateNetwork: Bool) throws {
        let box = try InProcessBox(odooConf: Self.settings)
        for origin in Self.foreign + [nil] as [String?] {
            for route in Self.preflighted {
                let response = Self.preflight(
                    box, route.path, origin: origin, method: route.method, privateNetwork: privateNetwork)
                #expect(response.status == 403, "OPTIONS \(route.path) from \(origin ?? "no origin")")
                #expect(Self.corsHeaders(response).isEmpty, "OPTIONS \(route.path) from \(origin ?? "no origin")")
            }
        }
    }

    @Test func aPlainOptionsRequestGetsAllow() throws {
        let box = try InProcessBox()
        let response = box.send("OPTIONS", "/iot_drivers/clear_credential")
        #expect(response.status == 204)
        #expect(response.headers["Allow"] == "GET, OPTIONS, POST")
        #expect(Self.corsHeaders(response).isEmpty)
    }

    /// `ping` and `hello` are constants, open to any page; the private network grant, which lets
    /// a public page reach the LAN, only for allowed pages.
    @Test func pingAndHelloPreflightsAreOpenButGrantThePrivateNetworkOnlyToAllowedPages() throws {
        let box = try InProcessBox(odooConf: Self.settings)
        for path in ["/iot_drivers/ping", "/hw_proxy/hello"] {
            let foreign = Self.preflight(box, path, origin: "https://evil.example", method: "GET", privateNetwork: true)
            #expect(foreign.status == 204)
            #expect(foreign.headers["Access-Control-Allow-Origin"] == "*")
            #expect(foreign.headers["Access-Control-Allow-Private-Network"] == nil)
            let allowed = Self.preflight(box, path, origin: Self.odoo, method: "GET", privateNetwork: true)
            #expect(allowed.headers["Access-Control-Allow-Private-Network"] == "true")
        }
    }
}
