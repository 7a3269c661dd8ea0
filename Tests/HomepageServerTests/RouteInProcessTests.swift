import Foundation
import HTTPCore
import Testing

@testable import BoxConfig
@testable import HomepageServer

/// The routes (`WebRoutes`, `PageHandlers`, `FormHandlers`) called in this process with an
/// `HTTPRequest`, against a temporary data dir and a fake certificate service.
@Suite struct RouteInProcessTests {
    @Test func homepageShowsTheMachineAndTheSettingsLink() throws {
        let box = try InProcessBox()
        let response = box.get("/")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.text.contains("box-under-test"))
        #expect(response.text.contains("192.168.1.10"))
        #expect(response.text.contains("02:00:00:00:00:01"))
        #expect(response.text.contains("href=\"/settings\""))
    }

    @Test func aForeignHostIsRefusedBeforeAnyRoute() throws {
        let box = try InProcessBox()
        #expect(box.get("/", host: "attacker.example").status == 421)
        #expect(box.get("/status.json", host: nil).status == 421)
        #expect(box.send("POST", "/settings/server", host: "attacker.example").status == 421)
        #expect(box.get("/", host: "box-under-test:8069").status == 200)
    }

    @Test func statusDocumentNamesTheBoxAndHasNoCertificateYet() throws {
        let box = try InProcessBox()
        let status = try box.status()
        #expect(status["identifier"] as? String == "box-under-test")
        #expect(status["ip"] as? String == "192.168.1.10")
        #expect(status["server_url"] is NSNull)
        #expect(status["https_url"] is NSNull)
        let https = try #require(status["https"] as? [String: Any])
        #expect(https["listening"] as? Bool == false)
    }

    @Test func aFormWithoutTheTokenChangesNothing() throws {
        let box = try InProcessBox()
        let response = box.submit("/settings/server", [("server_url", "https://shop.example.com")], csrf: "0" + "f")
        #expect(response.status == 403)
        #expect(box.odooConfText.isEmpty)
    }

    @Test func serverFormSavesAndItsMessageShowsOnce() throws {
        let box = try InProcessBox()
        let response = box.submit("/settings/server", [("server_url", " HTTPS://Shop.Example.com/ ")])
        #expect(response.status == 303)
        #expect(response.headers["Location"] == "/settings")
        let cookie = try #require(InProcessBox.flashCookie(response))
        #expect(box.odooConfText.contains("remote_server = https://shop.example.com"))
        #expect(try box.status()["server_url"] as? String == "https://shop.example.com")
        #expect(box.get("/settings", cookie: cookie).text.contains("Odoo server saved: https://shop.example.com."))
        #expect(!box.get("/settings", cookie: cookie).text.contains("Odoo server saved"))
    }

    @Test func aRejectedFormSavesNothingAndShowsWhatWasTyped() throws {
        let box = try InProcessBox()
        let response = box.submit("/settings/credential", [("db_uuid", "not-a-uuid"), ("enterprise_code", "")])
        #expect(response.status == 303)
        #expect(box.odooConfText.isEmpty)
        let cookie: String = try #require(InProcessBox.flashCookie(response))
        let page = box.get("/settings", cookie: cookie).text
        #expect(page.contains("Nothing was saved"))
        #expect(page.contains(FieldValidationError.notUUID.message))
        #expect(page.contains("value=\"not-a-uuid\""))
    }

    @Test func savedCredentialsStartARequestWhoseRefusalReachesTheStatus() throws {
        let box = try InProcessBox(odooConf: "[iot.box]\nremote_server = https://shop.example.com\n")
        let response = box.submit(
            "/settings/credential",
            [("db_uuid", "0123abcd-0123-4567-89ab-0123456789ab"), ("enterprise_code", "M2311")])
        #expect(response.status == 303)
        box.waitForCheck()
        #expect(box.provisioning.requestCount == 1)
        let certificate = try #require(try box.status()["certificate"] as? [String: Any])
        let error = try #require(certificate["error"] as? [String: Any])
        #expect(error["code"] as? String == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS")
        #expect(error["http_status"] as? Int == 404)
        #expect(box.get("/").text.contains("ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404"))
    }

    @Test func logLevelFormChangesTheLevelAtOnceAndSavesIt() throws {
        let box = try InProcessBox()
        #expect(box.submit("/settings/log-level", [("level", "debug")]).status == 303)
        #expect(box.app.logLevel.current == .debug)
        #expect(box.odooConfText.contains("log_level = debug"))
        #expect(try box.status()["log_level"] as? String == "debug")
    }

    @Test func unknownPathsGetTheNotFoundPage() throws {
        let box = try InProcessBox()
        let response = box.get("/nothing-here")
        #expect(response.status == 404)
        #expect(response.text.contains("Page not found"))
    }
}
