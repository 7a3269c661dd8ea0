import Foundation
import TestSupport
import Testing

/// The two guards in front of every route: the CSRF token on forms, and the Host check that
/// stops DNS rebinding.
@Suite struct EndToEndRequestGuardTests {
    static let forms: [(path: String, fields: [(String, String)])] = [
        ("/settings/server", [("server_url", "http://127.0.0.1:9/other")]),
        ("/settings/credential", [("db_uuid", "0f8fad5b-d9cb-469f-a165-70867728950e"), ("enterprise_code", "M1")]),
        ("/settings/credential/clear", []),
        ("/settings/log-level", [("level", "debug")]),
        ("/certificate/check", []),
    ]

    /// What a refused request must leave as it was.
    struct Observable: Equatable {
        var conf: [UInt8]?
        var serverURL: String?
        var logLevel: String?
        var errorCode: String?
        var lastCheck: String?

        init(_ box: EndToEndBox) throws {
            let status = try box.client.status()
            conf = box.odooConfBytes
            serverURL = status.string("server_url")
            logLevel = status.string("log_level")
            errorCode = status.object("certificate")?.object("error")?.string("code")
            lastCheck = status.object("certificate")?.string("last_check")
        }
    }

    /// A box with a saved server whose check has ended, so nothing moves on its own while a
    /// test compares before and after.
    static func settledBox() throws -> EndToEndBox {
        let box = try EndToEndBox()
        _ = try box.client.submit("/settings/server", [("server_url", "http://127.0.0.1:9/shop")])
        try box.waitForStatus("the check to end") {
            $0.object("certificate")?.object("error")?.string("code") == "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL"
        }
        return box
    }

    @Test func postWithoutOrWithAWrongCSRFTokenIsRefusedAndChangesNothing() throws {
        let box = try Self.settledBox()
        let before = try Observable(box)
        let wrongToken = String(repeating: "0", count: 64)
        for form in Self.forms {
            let missing = try box.client.post(form.path, form.fields)
            #expect(missing.status == 403, "\(form.path) without a token")
            #expect(missing.flashCookie == nil)
            let wrong = try box.client.post(form.path, [("csrf_token", wrongToken)] + form.fields)
            #expect(wrong.status == 403, "\(form.path) with a wrong token")
            let empty = try box.client.post(form.path, [("csrf_token", "")] + form.fields)
            #expect(empty.status == 403, "\(form.path) with an empty token")
        }
        #expect(try Observable(box) == before)
    }

    /// No route takes more than a small form, so a large body is refused from its length
    /// alone: a LAN client cannot make the box hold a megabyte per connection.
    @Test func bodyLargerThanAnyFormIsRefusedFromItsLength() throws {
        let box = try EndToEndBox()
        let token = try box.client.csrfToken()
        let padding = String(repeating: "a", count: 64 * 1024)
        let body = Array("csrf_token=\(token)&level=debug&pad=\(padding)".utf8)
        let response = try box.client.send(
            "POST", "/settings/log-level", contentType: "application/x-www-form-urlencoded", body: body)
        #expect(response.status == 413)
        #expect(try box.client.status().string("log_level") == "warning")
    }

    @Test(arguments: ["evil.example", "127.0.0.1.evil.example", "evil.example:8069", "localhost.evil.example"])
    func foreignHostIsRefusedAndChangesNothing(_ host: String) throws {
        let box = try Self.settledBox()
        let before = try Observable(box)
        let token = try box.client.csrfToken()
        for path in ["/", "/settings", "/status.json", "/logs"] {
            let response = try box.client.get(path, host: host)
            #expect(response.status == 421, "GET \(path) with Host \(host)")
            #expect(!response.text.contains(token))
        }
        for form in Self.forms {
            let response = try box.client.post(form.path, [("csrf_token", token)] + form.fields, host: host)
            #expect(response.status == 421, "POST \(form.path) with Host \(host)")
            #expect(response.flashCookie == nil)
        }
        #expect(try Observable(box) == before)
    }

    /// An absolute-form target names the host the request is for (RFC 9112 §3.2.2): a foreign
    /// one is refused even when the Host header names the box.
    @Test func absoluteFormTargetWithAForeignHostIsRefused() throws {
        let box = try EndToEndBox()
        let port = box.server.httpPort
        func status(target: String) throws -> String {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*", "--request-target", target,
                "-H", "Host: 127.0.0.1:\(port)", "http://127.0.0.1:\(port)/",
            ]
            let output = Pipe()
            curl.standardOutput = output
            try curl.run()
            curl.waitUntilExit()
            return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(try status(target: "http://evil.example/status.json") == "421")
        #expect(try status(target: "http://127.0.0.1@evil.example/status.json") == "400")
        #expect(try status(target: "http://127.0.0.1:\(port)/status.json") == "200")
    }

    /// A box listening on every address still refuses `0.0.0.0` as a name: that is how a
    /// page reaches services on the browser's own machine.
    @Test func theUnspecifiedAddressIsNotANameOfTheBox() throws {
        let box = try EndToEndBox(extraArguments: ["--bind", "0.0.0.0"])
        let port = box.server.httpPort
        #expect(try box.client.get("/status.json", host: "0.0.0.0:\(port)").status == 421)
        #expect(try box.client.get("/status.json", host: "127.0.0.1:\(port)").status == 200)
    }

    @Test func theBoxAnswersToLocalhostAndItsAddresses() throws {
        let box = try EndToEndBox()
        let port = box.server.httpPort
        let ip = try #require(try box.client.status().string("ip"))
        for host in ["localhost", "localhost:\(port)", "LOCALHOST:\(port)", "127.0.0.1", "127.0.0.1:\(port)", ip] {
            #expect(try box.client.get("/", host: host).status == 200, "Host \(host)")
        }
        let token = try box.client.csrfToken()
        let saved = try box.client.post(
            "/settings/server", [("csrf_token", token), ("server_url", "http://127.0.0.1:9/shop")],
            host: "localhost:\(port)")
        #expect(saved.status == 303)
        #expect(try box.client.status().string("server_url") == "http://127.0.0.1:9/shop")
    }
}
