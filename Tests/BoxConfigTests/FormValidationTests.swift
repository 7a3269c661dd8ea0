import Testing

@testable import BoxConfig

@Suite struct FormValidationTests {
    @Test func serverURLIsTrimmedAndNormalised() throws {
        #expect(try FormValidation.serverURL("  HTTPS://MyCompany.Odoo.com/ \n") == "https://mycompany.odoo.com")
        #expect(try FormValidation.serverURL("http://192.168.1.5:8069") == "http://192.168.1.5:8069")
        #expect(try FormValidation.serverURL("http://[fe80::1]:8069/") == "http://[fe80::1]:8069")
        #expect(try FormValidation.serverURL("https://a.example/odoo//") == "https://a.example/odoo")
    }

    @Test func serverURLRefusesWhatCouldSurprise() {
        let cases: [(String?, FieldValidationError)] = [
            (nil, .missing), ("   ", .missing), ("ftp://a.example", .notHTTPURL), ("a.example", .notHTTPURL),
            ("https://a example.com", .notHTTPURL), ("https://user:pw@a.example", .urlHasCredentials),
            ("https://a.example/?db=x", .urlHasQueryOrFragment), ("https://", .urlHasInvalidHost),
            ("https://a..example", .urlHasInvalidHost), ("https://a.example:99999", .urlHasInvalidHost),
            ("https://a.example:", .urlHasInvalidHost), ("javascript://a.example", .notHTTPURL),
            ("https://" + String(repeating: "a", count: 2048), .tooLong(maximum: 2048)),
        ]
        for (input, expected) in cases {
            #expect(throws: expected, "\(input ?? "nil")") { try FormValidation.serverURL(input) }
        }
    }

    @Test func dbUUIDIsTrimmedAndLowercased() throws {
        #expect(
            try FormValidation.dbUUID(" 0F8FAD5B-D9CB-469F-A165-70867728950E ")
                == "0f8fad5b-d9cb-469f-a165-70867728950e")
    }

    @Test func dbUUIDMustBe8_4_4_4_12Hex() {
        for input in [
            "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5bd9cb469fa16570867728950e",
            "0f8fad5g-d9cb-469f-a165-70867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950e-", "０f8fad5b-d9cb-469f-a165-70867728950e",
        ] {
            #expect(throws: FieldValidationError.notUUID, "\(input)") { try FormValidation.dbUUID(input) }
        }
        #expect(throws: FieldValidationError.missing) { try FormValidation.dbUUID("") }
    }

    @Test func enterpriseCodeIsTrimmedPrintableAndBounded() throws {
        #expect(try FormValidation.enterpriseCode("  M1234-567890\n") == "M1234-567890")
        #expect(throws: FieldValidationError.missing) { try FormValidation.enterpriseCode(" ") }
        #expect(throws: FieldValidationError.notPrintableASCII) { try FormValidation.enterpriseCode("M12 34") }
        #expect(throws: FieldValidationError.notPrintableASCII) { try FormValidation.enterpriseCode("Mé1234") }
        #expect(throws: FieldValidationError.tooLong(maximum: 64)) {
            try FormValidation.enterpriseCode(String(repeating: "x", count: 65))
        }
    }

    @Test func logLevelIsOneOfFour() throws {
        #expect(try FormValidation.logLevel("WARNING") == .warning)
        #expect(throws: FieldValidationError.unknownLogLevel) { try FormValidation.logLevel("verbose") }
    }

    @Test func credentialFormReportsEveryBadFieldAndKeepsTypedValues() {
        let form = FormData(["db_uuid": "nope", "enterprise_code": "", "csrf_token": "t"])
        #expect(
            throws: FormRejection(
                fieldErrors: [
                    "db_uuid": FieldValidationError.notUUID.message,
                    "enterprise_code": FieldValidationError.missing.message,
                ],
                enteredValues: ["db_uuid": "nope", "enterprise_code": ""])
        ) {
            try FormValidation.credentialForm(form)
        }
    }

    @Test func validCredentialFormGivesCleanValues() throws {
        let form = FormData(["db_uuid": "0F8FAD5B-D9CB-469F-A165-70867728950E", "enterprise_code": " M1\t"])
        let credential = try FormValidation.credentialForm(form)
        #expect(credential.dbUUID == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(credential.enterpriseCode == "M1")
    }

    @Test func serverAndLevelFormsRejectWithTheFieldName() {
        #expect(throws: FormRejection.self) { try FormValidation.serverForm(FormData(["server_url": "x"])) }
        do {
            _ = try FormValidation.logLevelForm(FormData(["level": "loud"]))
            Issue.record("expected a rejection")
        } catch {
            #expect(error.fieldErrors["level"] == FieldValidationError.unknownLogLevel.message)
            #expect(error.enteredValues["level"] == "loud")
        }
    }
}
