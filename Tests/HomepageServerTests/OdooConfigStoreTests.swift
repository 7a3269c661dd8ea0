import TestSupport
import Testing

@testable import BoxConfig
@testable import HomepageServer

@Suite struct OdooConfigStoreTests {
    static let sample = "[options]\nlog_level = info\n\n[iot.box]\nremote_server = https://mycompany.odoo.com\n"

    @Test func missingFileReadsAsEmptyAndIsCreatedWithMode0600() throws {
        let directory = TemporaryDirectory()
        let store = try OdooConfigStore(path: directory.file("odoo.conf"))
        #expect(store.current[.remoteServer] == nil)
        try store.update { $0[.enterpriseCode] = "M1234567890" }
        #expect(directory.read("odoo.conf") == "[iot.box]\nenterprise_code = M1234567890\n")
        #expect(directory.mode(of: "odoo.conf") == 0o600)
        #expect(directory.entries() == ["odoo.conf"])
    }

    @Test func updateKeepsAHandEditMadeWhileRunning() throws {
        let directory = TemporaryDirectory()
        directory.write("odoo.conf", Self.sample)
        let store = try OdooConfigStore(path: directory.file("odoo.conf"))
        directory.write("odoo.conf", Self.sample + "[extra]\nadded = by hand\n")
        let updated = try store.update { $0[.logLevel] = "error" }
        #expect(updated.value(section: "extra", key: "added") == "by hand")
        #expect(directory.read("odoo.conf")!.hasSuffix("[extra]\nadded = by hand\n"))
        #expect(store.current[.logLevel] == "error")
    }

    @Test func damagedFileIsReportedAndNeverReplaced() throws {
        let directory = TemporaryDirectory()
        let damaged = "[iot.box]\nremote_server = https://a.example\n<<<<<<< garbage\n"
        directory.write("odoo.conf", damaged)
        #expect(throws: OdooConfigError.malformedLine(line: 3, text: "<<<<<<< garbage")) {
            try OdooConfigStore(path: directory.file("odoo.conf"))
        }
        directory.write("odoo.conf", "[iot.box]\n")
        let store = try OdooConfigStore(path: directory.file("odoo.conf"))
        directory.write("odoo.conf", damaged)
        #expect(throws: OdooConfigError.self) {
            try store.update { $0[.dbUUID] = "x" }
        }
        #expect(directory.read("odoo.conf") == damaged)
        #expect(directory.entries() == ["odoo.conf"])
    }

    @Test func unwritableDirectoryIsReportedAndLeavesNoTemporaryFile() throws {
        let directory = TemporaryDirectory()
        let store = try OdooConfigStore(path: directory.file("missing-dir/odoo.conf"))
        #expect {
            try store.update { $0[.dbUUID] = "x" }
        } throws: { error in
            guard case .unwritable(let failure) = error as? OdooConfigError else { return false }
            return failure.operation == "create"
        }
        #expect(directory.entries().isEmpty)
    }
}
