import Foundation
import TestSupport
import Testing

/// The routes of the contract, asked of the real executable over real sockets.
@Suite struct EndToEndRouteTests {
    @Test func everyRouteAnswersAsSpecified() throws {
        let box = try EndToEndBox()
        let client = box.client
        let status = try client.status()

        let home = try client.get("/")
        #expect(home.status == 200)
        #expect(home.header("Content-Type")?.hasPrefix("text/html") == true)
        for fact in ["identifier", "ip", "mac_address", "version"] {
            let value = try #require(status.string(fact))
            #expect(home.text.contains(value), "the homepage shows \(fact)")
        }
        #expect(home.text.contains("href=\"/settings\""))

        let settings = try client.get("/settings")
        #expect(settings.status == 200)
        #expect(settings.header("Content-Type")?.hasPrefix("text/html") == true)
        for action in [
            "/settings/server", "/settings/credential", "/settings/log-level", "/certificate/check",
        ] {
            #expect(settings.text.contains("action=\"\(action)\""), "the settings page has the \(action) form")
        }
        #expect(settings.text.contains("href=\"/logs\""))
        #expect(settings.text.contains("href=\"/logs/download\""))

        // A refused form logs a warning, which both log routes then show.
        #expect(try client.post("/settings/server", [("server_url", "http://127.0.0.1:9")]).status == 403)
        let logs = try client.get("/logs")
        #expect(logs.status == 200)
        #expect(logs.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(logs.text.contains("form refused"))

        let download = try client.get("/logs/download")
        #expect(download.status == 200)
        #expect(download.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(download.header("Content-Disposition")?.hasPrefix("attachment") == true)
        #expect(download.text.contains("form refused"))

        let css = try client.get("/static/css/homepage.css")
        #expect(css.status == 200)
        #expect(css.header("Content-Type")?.hasPrefix("text/css") == true)
        #expect(!css.body.isEmpty)

        let ca = try client.get("/sandbox/ca.pem")
        #expect(ca.status == 200)
        #expect(ca.text.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(ca.body == FileManager.default.contents(atPath: box.dataDirectory + "/sandbox/ca.pem").map(Array.init))

        let missing = try client.get("/no-such-page")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type")?.hasPrefix("text/html") == true)

        let wrongMethod = try client.send("DELETE", "/settings")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow")?.contains("GET") == true)
        let getOnForm = try client.get("/settings/server")
        #expect(getOnForm.status == 405)
        #expect(getOnForm.header("Allow")?.contains("POST") == true)
    }

    @Test func statusJSONHasTheContractFieldsAndTheSandboxBlock() throws {
        let box = try EndToEndBox()
        let response = try box.client.get("/status.json")
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
        let status = try box.client.status()

        for key in ["identifier", "version", "ip", "mac_address", "server_url", "https_url", "certificate", "https"] {
            #expect(status.keys.contains(key), "status.json has \(key)")
        }
        #expect(status.string("server_url")?.hasPrefix("https://localhost:") == true)
        #expect(status["https_url"] is NSNull)
        let certificate = try #require(status.object("certificate"))
        for key in [
            "state", "subject", "not_before", "not_after", "days_left", "error", "last_check", "next_retry",
        ] {
            #expect(certificate.keys.contains(key), "certificate has \(key)")
        }
        let https = try #require(status.object("https"))
        #expect(https["listening"] as? Bool == false)
        #expect(https["port"] is NSNull)

        let sandbox = try #require(status.object("sandbox"))
        #expect(sandbox.string("ca_url") == "/sandbox/ca.pem")
        let databases = try #require(sandbox["databases"] as? [[String: Any]])
        #expect(!databases.isEmpty)
        for database in databases {
            for key in ["name", "db_uuid", "enterprise_code", "kind", "subscription", "iot_box_line", "eligible"] {
                #expect(database.keys.contains(key), "a sandbox database has \(key)")
            }
        }
        let kinds = Set(databases.compactMap { $0.string("kind") })
        #expect(kinds.isSuperset(of: ["production", "staging", "duplicate", "development"]))
        #expect(databases.contains { $0["eligible"] as? Bool == true })
    }

    @Test func pagesCarryTheSecurityHeaders() throws {
        let box = try EndToEndBox()
        for path in ["/", "/settings", "/logs"] {
            let page = try box.client.get(path)
            let policy = page.header("Content-Security-Policy") ?? ""
            #expect(policy.contains("frame-ancestors 'none'"), "CSP of \(path)")
            #expect(page.header("X-Content-Type-Options") == "nosniff", "nosniff on \(path)")
            #expect(page.header("Referrer-Policy") == "same-origin", "Referrer-Policy of \(path)")
        }
        #expect(try box.client.get("/settings").header("Cache-Control")?.contains("no-store") == true)
    }

    /// Nothing the box answers is readable by another origin: no route, preflight included,
    /// sends an Access-Control header, whatever Origin the request names. (`/hw_proxy/hello`
    /// and `/iot_drivers/ping`, which answer constants, are open to any origin by design.)
    @Test func noAnswerOptsIntoCrossOriginReading() throws {
        let box = try EndToEndBox()
        let origin = [("Origin", "http://evil.example")]
        var answers: [(String, EndToEndResponse)] = []
        let iotDrivers = [
            "/iot_drivers/data", "/iot_drivers/iot_logs", "/iot_drivers/download_logs", "/iot_drivers/log_levels",
            "/iot_drivers/check_certificate", "/iot_drivers/clear_credential",
        ]
        for path in ["/", "/settings", "/status.json", "/logs", "/logs/download", "/sandbox/ca.pem"] + iotDrivers {
            answers.append(("GET \(path)", try box.client.send("GET", path, extraHeaders: origin)))
        }
        let preflight =
            origin + [("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")]
        for path in ["/settings/server", "/status.json", "/iot_drivers/save_credential", "/iot_drivers/data"] {
            answers.append(("OPTIONS \(path)", try box.client.send("OPTIONS", path, extraHeaders: preflight)))
        }
        for (request, response) in answers {
            let names = response.headers.map { $0.name.lowercased() }
            #expect(!names.contains { $0.hasPrefix("access-control-") }, "\(request) sends \(names)")
        }
    }
}
