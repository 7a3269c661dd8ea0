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

    // Found by fuzz/Targets/OdooConfigFuzzer: a value set with a space around it was written
    // as is, and read back (by this reader and by Python's) without the space.
    @Test func aValueIsStoredAsTheFileReadsItBack() throws {
        var config = OdooConfig()
        config[.subject] = "  *.ab12cd34.odoo-iot.com \t"
        config[.dbUUID] = "\u{A0}0f3c\u{2003}"
        config[.logLevel] = " \n "
        #expect(config[.subject] == "*.ab12cd34.odoo-iot.com")
        #expect(config[.dbUUID] == "0f3c")
        #expect(config[.logLevel] == nil)
        #expect(try OdooConfig(parsing: config.text) == config)
    }

    @Test func blanksAroundAValueAreWhatPythonStrips() throws {
        let config = try OdooConfig(parsing: "[iot.box]\nsubject =\u{A0}x\u{3000}\u{1F}\ndb_uuid\u{A0}: y\n")
        #expect(config[.subject] == "x")
        #expect(config[.dbUUID] == "y")
    }

    @Test func aValueStartingWithACombiningMarkReadsBackAsSet() throws {
        var config = OdooConfig()
        config[.enterpriseCode] = "\u{301}M1"
        #expect(try OdooConfig(parsing: config.text)[.enterpriseCode] == "\u{301}M1")
    }

    @Test func crlfAndCRAloneEndLinesAsInPython() throws {
        let config = try OdooConfig(
            parsing: "[iot.box]\r\nremote_server = https://a.example\r\ndb_uuid = x\rsubject = y\r\n")
        #expect(config[.remoteServer] == "https://a.example")
        #expect(config[.dbUUID] == "x")
        #expect(config[.subject] == "y")
        #expect(config.text == "[iot.box]\nremote_server = https://a.example\ndb_uuid = x\nsubject = y\n")
    }

    @Test func continuationLinesJoinAsConfigparserJoinsThem() throws {
        let text = "[options]\naddons_path = /a,\n    /b\n\n    /c\n# note\n\nlog_level = info\n"
        let config = try OdooConfig(parsing: text)
        #expect(config.value(section: "options", key: "addons_path") == "/a,\n/b\n\n/c")
        #expect(config.value(section: "options", key: "log_level") == "info")
        #expect(config.text == text)
    }

    @Test func aNewKeyGoesAfterTheLastContinuationLine() throws {
        var config = try OdooConfig(parsing: "[iot.box]\nsubject = a\n  b\n\n# next\n[other]\nx = 1\n")
        config[.dbUUID] = "0f3c"
        #expect(config.text == "[iot.box]\nsubject = a\n  b\ndb_uuid = 0f3c\n\n# next\n[other]\nx = 1\n")
        #expect(config[.subject] == "a\nb")
        #expect(try OdooConfig(parsing: config.text) == config)
    }

    @Test func aChangedOrNewKeyKeepsTheIndentationAroundIt() throws {
        var config = try OdooConfig(parsing: "[iot.box]\n  [options]\n  a = 1\n")
        config[.dbUUID] = "0f3c"
        #expect(config.text == "[iot.box]\n  db_uuid = 0f3c\n  [options]\n  a = 1\n")
        config[.dbUUID] = "1e4d"
        #expect(config.text == "[iot.box]\n  db_uuid = 1e4d\n  [options]\n  a = 1\n")
        #expect(try OdooConfig(parsing: config.text) == config)
    }

    @Test func aHeaderRunsToItsLastBracket() throws {
        let config = try OdooConfig(parsing: "[iot.box] ; written by the box\ndb_uuid = x\n")
        #expect(config[.dbUUID] == "x")
    }

    @Test func unclosedSectionHeaderIsReported() {
        #expect(throws: OdooConfigError.malformedLine(line: 1, text: "[iot.box")) {
            try OdooConfig(parsing: "[iot.box\n")
        }
    }
}
