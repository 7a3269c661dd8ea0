import Foundation
import HTTPCore
import TestSupport
import Testing

/// Odoo's box routes on the running box: at its HTTPS name, as the database calls them, and
/// the body limit that keeps a call from making the box buffer more than a form.
@Suite struct EndToEndIoTDriverTests {
    static func send(
        _ box: EndToEndBox, _ method: String, _ url: String, headers: [(String, String)], body: String = ""
    ) throws -> HTTPClientResponse {
        try box.client.verifyingClient.send(
            HTTPClientRequest(method: method, url: url, headers: HTTPHeaders(headers), body: Array(body.utf8)))
    }

    static func accessControl(_ response: HTTPClientResponse) -> [String] {
        response.headers.map { $0.name.lowercased() }.filter { $0.hasPrefix("access-control-") }
    }

    /// The box's own page at its HTTPS name may call it; another origin may not, and its call
    /// changes nothing.
    @Test func theBoxsHTTPSNameIsAnAllowedCallerAndAForeignOriginIsNot() throws {
        let box = try EndToEndBox()
        let status = try EndToEndCertificateTests.obtainCertificate(box)
        let httpsURL = try #require(status.string("https_url"))
        let own = [("Origin", httpsURL)]

        let data = try Self.send(box, "GET", httpsURL + "/iot_drivers/data", headers: own)
        #expect(data.status == 200)
        #expect(data.headers["Access-Control-Allow-Origin"] == httpsURL)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(data.body)) as? [String: Any])
        #expect(fields["certificate_end_date"] as? String != nil, "a valid certificate has an end date")
        let end = try #require(fields["certificate_end_date"] as? String)
        #expect(end.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/) != nil)

        let preflight = try Self.send(
            box, "OPTIONS", httpsURL + "/iot_drivers/save_credential",
            headers: own + [
                ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"),
                ("Access-Control-Request-Private-Network", "true"),
            ])
        #expect(preflight.status == 204)
        #expect(preflight.headers["Access-Control-Allow-Private-Network"] == "true")

        let before = box.odooConfText
        let body = "{\"params\": {\"db_uuid\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"enterprise_code\": \"X1\"}}"
        let foreign = try Self.send(
            box, "POST", httpsURL + "/iot_drivers/save_credential",
            headers: [("Origin", "https://evil.example"), ("Content-Type", "application/json")], body: body)
        #expect(foreign.status == 403)
        #expect(Self.accessControl(foreign).isEmpty)
        #expect(box.odooConfText == before)

        let saved = try Self.send(
            box, "POST", httpsURL + "/iot_drivers/save_credential",
            headers: own + [("Content-Type", "application/json")], body: body)
        #expect(saved.status == 200)
        #expect(String(decoding: saved.body, as: UTF8.self).contains("\"status\":\"success\""))
        #expect(box.odooConfText.contains("db_uuid = 0f8fad5b-d9cb-469f-a165-70867728950e"))
    }

    /// The log is streamed from its files, whole, under Odoo's attachment name.
    @Test func downloadLogsSendsTheWholeLog() throws {
        let box = try EndToEndBox(extraArguments: ["--log-level", "debug"])
        _ = try box.client.get("/")
        let response = try box.client.send("GET", "/iot_drivers/download_logs")
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == String(response.body.count))
        #expect(response.header("Content-Disposition")?.hasPrefix("attachment; filename=\"iot-odoo-") == true)
        #expect(response.text.contains("certificate check started"))
        let log = try #require(FileManager.default.contents(atPath: box.dataDirectory + "/logs/homepage.log"))
        #expect(response.body.starts(with: Array(log.prefix(100))))
    }

    /// A call is a small JSON object: a larger body is refused from its length, as a form is.
    @Test func aCallLargerThanAnyFormIsRefusedFromItsLength() throws {
        let box = try EndToEndBox()
        let padding = String(repeating: "a", count: 64 * 1024)
        let body =
            "{\"params\": {\"db_uuid\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"enterprise_code\": \"\(padding)\"}}"
        let response = try box.client.send(
            "POST", "/iot_drivers/save_credential", contentType: "application/json", body: Array(body.utf8))
        #expect(response.status == 413)
        #expect(!box.odooConfText.contains("db_uuid"))
    }
}
