import Foundation
import TestSupport
import Testing

/// Rejected forms save nothing, and the page they return to says why, field by field, with
/// what was typed shown again, escaped.
@Suite struct EndToEndRejectionTests {
    static let validUUID = "0f8fad5b-d9cb-469f-a165-70867728950e"

    /// The way the pages escape text and attribute values.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// A box whose odoo.conf already holds a saved server, so "unchanged" compares real bytes.
    static func boxWithSavedServer() throws -> (box: EndToEndBox, conf: [UInt8]) {
        let box = try EndToEndBox()
        _ = try box.client.submit("/settings/server", [("server_url", "http://127.0.0.1:9/shop")])
        return (box, try #require(box.odooConfBytes))
    }

    /// Submits `fields` to `path` and returns the settings page the redirect leads to.
    static func rejectedPage(_ box: EndToEndBox, _ path: String, _ fields: [(String, String)]) throws -> String {
        let response = try box.client.submit(path, fields)
        #expect(response.status == 303)
        let cookie = try #require(response.flashCookie)
        let page = try box.client.get("/settings", cookie: cookie).text
        #expect(page.contains("Nothing was saved"))
        return page
    }

    @Test(arguments: ["ftp://x", "not a url", "http://", "not a url <b>&\"'"])
    func badServerURLSavesNothingAndShowsTheFieldError(_ typed: String) throws {
        let (box, conf) = try Self.boxWithSavedServer()
        let page = try Self.rejectedPage(box, "/settings/server", [("server_url", typed)])
        #expect(box.odooConfBytes == conf)
        #expect(try box.client.status().string("server_url") == "http://127.0.0.1:9/shop")
        #expect(page.contains("id=\"field-server_url-error\""))
        #expect(page.contains("name=\"server_url\" value=\"\(Self.escaped(typed))\""))
    }

    @Test(arguments: [
        ("db_uuid", "0f8fad5b-d9cb-469f-a165", "M1234567890"),
        ("db_uuid", "0f8fad5b-d9cb-469f-a165-70867728950g", "M1234567890"),
        ("enterprise_code", validUUID, ""),
        ("enterprise_code", validUUID, String(repeating: "A", count: 65)),
        ("enterprise_code", validUUID, "M123 456"),
        ("enterprise_code", validUUID, "M123\u{7}456"),
        ("enterprise_code", validUUID, "M123é456"),
    ])
    func badCredentialSavesNothingAndShowsTheFieldError(_ field: String, _ uuid: String, _ code: String) throws {
        let (box, conf) = try Self.boxWithSavedServer()
        let page = try Self.rejectedPage(
            box, "/settings/credential", [("db_uuid", uuid), ("enterprise_code", code)])
        #expect(box.odooConfBytes == conf)
        #expect(page.contains("id=\"field-\(field)-error\""))
        #expect(page.contains("name=\"db_uuid\" value=\"\(Self.escaped(uuid))\""))
        #expect(page.contains("name=\"enterprise_code\" value=\"\(Self.escaped(code))\""))
        let status = try box.client.status()
        #expect(status.object("certificate")?.object("error")?.string("code") == "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL")
    }

    @Test func unknownLogLevelSavesNothing() throws {
        let (box, conf) = try Self.boxWithSavedServer()
        let page = try Self.rejectedPage(box, "/settings/log-level", [("level", "verbose")])
        #expect(box.odooConfBytes == conf)
        #expect(try box.client.status().string("log_level") == "warning")
        #expect(page.contains("id=\"field-level-error\""))
    }

    @Test func scriptTypedIntoAFieldIsNeverReflectedUnescaped() throws {
        let box = try EndToEndBox()
        let script = "<script>alert(1)</script>"
        // Rejected (bad UUID): the typed code comes back in the form.
        let rejected = try Self.rejectedPage(
            box, "/settings/credential", [("db_uuid", "nope"), ("enterprise_code", script)])
        #expect(!rejected.contains(script))
        #expect(rejected.contains(Self.escaped(script)))

        // Accepted: the code is stored and the box asks the sandbox with it.
        let saved = try box.client.submit(
            "/settings/credential", [("db_uuid", Self.validUUID), ("enterprise_code", script)])
        #expect(saved.status == 303)
        #expect(box.odooConfText.contains("enterprise_code = \(script)"))
        try box.waitForStatus("the sandbox's answer") {
            $0.object("certificate")?.string("state") == "error"
                && $0.object("certificate")?.object("error")?.string("code") != "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL"
        }
        _ = try box.client.submit("/settings/server", [("server_url", "http://127.0.0.1:9/\(script)")])
        for path in ["/", "/settings", "/logs"] {
            let page = try box.client.get(path).text
            #expect(!page.contains(script), "\(path) reflects the script unescaped")
            #expect(!page.contains("<script"), "\(path) has a script element")
        }
    }
}
