import Foundation
import TestSupport
import Testing

/// An existing `odoo.conf` is the person's file: what the box does not own survives a save,
/// and a file it cannot understand is reported and never overwritten.
@Suite struct EndToEndConfigFileTests {
    static let existing = """
        ; written by hand, kept as it is
        [options]
        admin_passwd = not-for-the-box
        addons_path = /opt/odoo/addons

        [iot.box]
        remote_server = http://127.0.0.1:9/old
        custom_key = keep me

        [another.section]
        x = 1

        """

    @Test func unknownKeysAndSectionsSurviveASave() throws {
        let box = try EndToEndBox(odooConf: Self.existing)
        #expect(try box.client.status().string("server_url") == "http://127.0.0.1:9/old")

        let saved = try box.client.submit("/settings/server", [("server_url", "http://127.0.0.1:9/new")])
        #expect(saved.status == 303)
        #expect(
            box.odooConfText
                == Self.existing.replacingOccurrences(
                    of: "remote_server = http://127.0.0.1:9/old", with: "remote_server = http://127.0.0.1:9/new"))

        _ = try box.client.submit("/settings/log-level", [("level", "info")])
        let text = box.odooConfText
        for line in [
            "; written by hand, kept as it is", "[options]", "admin_passwd = not-for-the-box",
            "addons_path = /opt/odoo/addons", "custom_key = keep me", "[another.section]", "x = 1",
            "log_level = info", "remote_server = http://127.0.0.1:9/new",
        ] {
            #expect(text.contains(line + "\n"), "odoo.conf keeps \(line)")
        }
        let boxSection = try #require(text.range(of: "[iot.box]"))
        let nextSection = try #require(text.range(of: "[another.section]"))
        let logLevel = try #require(text.range(of: "log_level = info"))
        #expect(boxSection.upperBound < logLevel.lowerBound && logLevel.upperBound < nextSection.lowerBound)
    }

    @Test func aDamagedLineHoldingTheEnterpriseCodeIsNotQuotedInLogsOrPages() throws {
        // A hand edit that forgot the `=`: the line is the secret itself.
        let code = "M2079600758"
        let damaged = "[iot.box]\nremote_server = http://127.0.0.1:9/old\nenterprise_code \(code)\n"
        let box = try EndToEndBox(odooConf: damaged)

        let status = try box.client.status()
        let problem = try #require(status.string("settings_error"))
        #expect(problem.contains("line 3"), "the report still says where to look")
        #expect(!problem.contains(code))
        for path in ["/", "/settings", "/logs", "/logs/download"] {
            let page = try box.client.get(path).text
            #expect(!page.contains(code), "\(path) does not show the code")
        }
        let log = try String(contentsOfFile: box.dataDirectory + "/logs/homepage.log", encoding: .utf8)
        #expect(log.contains("line 3"), "the damage is logged")
        #expect(!log.contains(code))
    }

    @Test func damagedConfigIsReportedAndLeftByteForByteUntouched() throws {
        let damaged = "[iot.box]\nremote_server = http://127.0.0.1:9/old\nthis line is not ini\n"
        let box = try EndToEndBox(odooConf: damaged)
        let original = try #require(box.odooConfBytes)

        let status = try box.client.status()
        #expect(status.string("settings_error")?.contains("damaged") == true)
        for path in ["/", "/settings"] {
            #expect(try box.client.get(path).text.contains("is damaged"), "\(path) reports the damage")
        }

        let forms: [(String, [(String, String)])] = [
            ("/settings/server", [("server_url", "http://127.0.0.1:9/new")]),
            ("/settings/credential", [("db_uuid", "0f8fad5b-d9cb-469f-a165-70867728950e"), ("enterprise_code", "M1")]),
            ("/settings/credential/clear", []),
            ("/settings/log-level", [("level", "debug")]),
        ]
        for (path, fields) in forms {
            let response = try box.client.submit(path, fields)
            #expect(response.status == 303)
            let cookie = try #require(response.flashCookie)
            let page = try box.client.get("/settings", cookie: cookie).text
            #expect(page.contains("flash-failure"), "\(path) says it saved nothing")
            #expect(box.odooConfBytes == original, "\(path) left odoo.conf alone")
        }
        #expect(try box.client.status().string("log_level") == "warning")
        let entries = try FileManager.default.contentsOfDirectory(atPath: box.dataDirectory)
        #expect(!entries.contains { $0.hasPrefix("odoo.conf") && $0 != "odoo.conf" }, "no temp file left behind")
    }
}
