import Testing

@testable import BoxConfig

@Suite struct FormDataTests {
    private func decode(_ body: String) throws(FormDataError) -> FormData {
        try FormData(decoding: Array(body.utf8))
    }

    @Test func decodesPlusAndPercentEscapes() throws {
        let form = try decode("server_url=https%3A%2F%2Fa.example%2F&note=two+words&empty=&flag")
        #expect(form["server_url"] == "https://a.example/")
        #expect(form["note"] == "two words")
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(form["missing"] == nil)
    }

    @Test func decodesUTF8Escapes() throws {
        #expect(try decode("name=Caf%C3%A9")["name"] == "Café")
    }

    @Test func malformedEscapesAreRejected() {
        for body in ["a=%", "a=%4", "a=%zz", "a%g1=b"] {
            #expect(throws: FormDataError.malformedEscape) { try decode(body) }
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: FormDataError.notUTF8) { try decode("a=%FF%FE") }
    }

    @Test func duplicateFieldsAreRejected() {
        #expect(throws: FormDataError.duplicateField(name: "csrf_token")) {
            try decode("csrf_token=a&csrf_token=b")
        }
    }

    @Test func oversizedBodyIsRejected() {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: FormData.maximumBodySize + 1)
        #expect(throws: FormDataError.tooLarge(limit: FormData.maximumBodySize)) { try FormData(decoding: body) }
    }

    @Test func tooManyFieldsAreRejected() {
        let body = (0...FormData.maximumFieldCount).map { "f\($0)=1" }.joined(separator: "&")
        #expect(throws: FormDataError.tooManyFields(limit: FormData.maximumFieldCount)) { try decode(body) }
    }

    @Test func emptySegmentsAreIgnored() throws {
        let form = try decode("&a=1&&b=2&")
        #expect(form.fields == ["a": "1", "b": "2"])
    }
}
