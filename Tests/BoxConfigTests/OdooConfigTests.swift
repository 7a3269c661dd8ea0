import Testing

@testable import BoxConfig

@Suite struct OdooConfigTests {
    /// The shape of an Odoo IoT box's configuration: Odoo's own options first, then the box's.
    static let odooBoxSample = """
        [options]
        ; Odoo server options, untouched by the homepage
        addons_path = /home/pi/odoo/addons,/home/pi/odoo/odoo/addons
        data_dir = /var/run/odoo
        log_level = info
        server_wide_modules = hw_drivers,hw_posbox_homepage,web
        list_db = False
        max_cron_threads = 0

        [iot.box]
        # written by the box
        remote_server = https://mycompany.odoo.com
        token = 0123456789abcdef
        db_uuid =
        enterprise_code =
        screen_orientation = normal

        """

    @Test func readsTheBoxKeysOfAnExistingOdooBoxFile() throws {
        let config = try OdooConfig(parsing: Self.odooBoxSample)
        #expect(config[.remoteServer] == "https://mycompany.odoo.com")
        #expect(config[.dbUUID] == nil)
        #expect(config[.logLevel] == nil)
        #expect(config.value(section: "options", key: "log_level") == "info")
        #expect(config.value(section: "iot.box", key: "token") == "0123456789abcdef")
    }

    @Test func unchangedFileRoundTripsByteForByte() throws {
        let config = try OdooConfig(parsing: Self.odooBoxSample)
        #expect(config.text == Self.odooBoxSample)
    }

    @Test func settingKeysKeepsEveryOtherLine() throws {
        var config = try OdooConfig(parsing: Self.odooBoxSample)
        config[.dbUUID] = "0f8fad5b-d9cb-469f-a165-70867728950e"
        config[.enterpriseCode] = "M1234567890"
        config[.logLevel] = "debug"
        let text = config.text
        #expect(text.contains("db_uuid = 0f8fad5b-d9cb-469f-a165-70867728950e\n"))
        #expect(text.contains("enterprise_code = M1234567890\n"))
        #expect(text.contains("screen_orientation = normal\nlog_level = debug\n"))
        #expect(text.contains("; Odoo server options, untouched by the homepage\n"))
        #expect(text.contains("token = 0123456789abcdef\n"))
        let reparsed = try OdooConfig(parsing: text)
        #expect(reparsed.value(section: "options", key: "log_level") == "info")
        #expect(reparsed[.logLevel] == "debug")
        #expect(reparsed[.enterpriseCode] == "M1234567890")
    }

    @Test func missingSectionIsCreatedAtTheEnd() throws {
        var config = try OdooConfig(parsing: "[options]\nlist_db = False\n")
        config[.remoteServer] = "https://example.odoo.com"
        #expect(config.text == "[options]\nlist_db = False\n\n[iot.box]\nremote_server = https://example.odoo.com\n")
    }

    @Test func newKeyGoesBeforeTheCommentsOfTheNextSection() throws {
        var config = try OdooConfig(parsing: "[iot.box]\nsubject = a\n\n# next\n[other]\nx = 1\n")
        config[.logLevel] = "error"
        #expect(config.text == "[iot.box]\nsubject = a\nlog_level = error\n\n# next\n[other]\nx = 1\n")
    }

    @Test func removingAKeyLeavesTheRestAlone() throws {
        var config = try OdooConfig(parsing: "[iot.box]\ndb_uuid = x\nenterprise_code = y\nother = z\n")
        config[.dbUUID] = nil
        config[.enterpriseCode] = nil
        #expect(config.text == "[iot.box]\nother = z\n")
    }

    @Test func valuesWithNewlinesCannotInjectLines() throws {
        var config = OdooConfig()
        config[.subject] = "a\n[evil]\nx = 1"
        let reparsed = try OdooConfig(parsing: config.text)
        #expect(reparsed[.subject] == "a [evil] x = 1")
    }

    @Test func keysCompareCaseInsensitively() throws {
        var config = try OdooConfig(parsing: "[iot.box]\nDB_UUID = old\n")
        #expect(config[.dbUUID] == "old")
        config[.dbUUID] = "new"
        #expect(config.text == "[iot.box]\ndb_uuid = new\n")
    }

    @Test func damagedLineIsReportedWithItsNumber() {
        #expect(throws: OdooConfigError.malformedLine(line: 3, text: "this is not ini")) {
            try OdooConfig(parsing: "[iot.box]\ndb_uuid = x\nthis is not ini\n")
        }
    }

    @Test func keyBeforeAnySectionIsReported() {
        #expect(throws: OdooConfigError.missingSectionHeader(line: 2)) {
            try OdooConfig(parsing: "# header\nkey = value\n")
        }
    }

    @Test func duplicateKeyAndSectionAreReported() {
        #expect(throws: OdooConfigError.duplicateKey(line: 3, section: "iot.box", key: "db_uuid")) {
            try OdooConfig(parsing: "[iot.box]\ndb_uuid = a\ndb_uuid = b\n")
        }
        #expect(throws: OdooConfigError.duplicateSection(line: 3, name: "options")) {
            try OdooConfig(parsing: "[options]\n\n[options]\n")
        }
    }

    @Test func unclosedSectionHeaderIsReported() {
        #expect(throws: OdooConfigError.malformedLine(line: 1, text: "[iot.box")) {
            try OdooConfig(parsing: "[iot.box\n")
        }
    }
}
