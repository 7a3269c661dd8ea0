import HTTPCore
import Testing

@Suite struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let text =
            #"{"s": "a\"b/é", "i": -32700, "d": 1.5, "t": true, "f": false, "n": null, "a": [1, "x"], "o": {"k": {}}}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["s"] == .string("a\"b/é"))
        #expect(value["i"] == .integer(-32700))
        #expect(value["d"] == .number(1.5))
        #expect(value["t"] == .bool(true))
        #expect(value["f"]?.boolValue == false)
        #expect(value["n"]?.isNull == true)
        #expect(value["a"] == [1, "x"])
        #expect(value["o"]?["k"] == .object([:]))
        #expect(value["missing"] == nil)
    }

    @Test func acceptsAValueThatIsNotAnObjectAtTheTop() throws {
        #expect(try JSONValue(parsing: Array("false".utf8)) == .bool(false))
        #expect(try JSONValue(parsing: Array("\"x\"".utf8)) == .string("x"))
    }

    @Test func refusesWhatIsNotJSON() {
        #expect(throws: (any Error).self) { try JSONValue(parsing: Array("<html>".utf8)) }
        #expect(throws: (any Error).self) { try JSONValue(parsing: Array("{\"a\": 1".utf8)) }
    }

    @Test func duplicateKeysAreRefusedWhenAsked() throws {
        let cases: [(String, String)] = [
            (#"{"a": 1, "a": 2}"#, "a"),
            (#"{"a": 1, "\u0061": 2}"#, "a"),
            (#"{"x": [{"k": 1}, {"k": 1, "b": {}, "k": 2}]}"#, "k"),
            (#"{"\ud83d\ude00": 1, "😀": 2}"#, "😀"),
            (#"{"q\"\n": 1, "q\u0022\u000a": 2}"#, "q\"\n"),
        ]
        for (text, key) in cases {
            #expect(throws: JSONDuplicateKeyError(key: key)) {
                try JSONValue(parsing: Array(text.utf8), duplicateKeys: .refuse)
            }
        }
        // By default the first value is kept, as before.
        #expect(try JSONValue(parsing: Array(#"{"a": 1, "a": 2}"#.utf8))["a"] == 1)
        #expect(try JSONValue(parsing: Array(#"{"a": 1, "a": 2}"#.utf8), duplicateKeys: .keepFirst)["a"] == 1)
    }

    @Test func theSameKeyInDifferentObjectsOrInsideStringsIsNoDuplicate() throws {
        let text = #"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}], "c": "}, \"a\": {", "d": ["a", "a"]}"#
        let value = try JSONValue(parsing: Array(text.utf8), duplicateKeys: .refuse)
        #expect(value["c"] == "}, \"a\": {")
    }

    @Test func numbersReadAsTheTypeAsked() throws {
        let value = try JSONValue(parsing: Array(#"{"whole": 30, "exact": 503.0, "half": 2.5, "one": 1}"#.utf8))
        #expect(value["whole"]?.doubleValue == 30)
        #expect(value["exact"]?.intValue == 503)
        #expect(value["half"]?.intValue == nil)
        #expect(value["one"]?.boolValue == true)
        #expect(value["half"]?.boolValue == nil)
    }

    @Test func writesSortedKeysNullsAndEscapes() throws {
        let document: JSONValue = ["b": nil, "a": [true, 2, "x\"y\n/"], "c": JSONValue(nil as String?)]
        let text = String(decoding: document.serialized(), as: UTF8.self)
        #expect(text == #"{"a":[true,2,"x\"y\n/"],"b":null,"c":null}"#)
        #expect(try JSONValue(parsing: document.serialized()) == document)
    }

    @Test func prettyOutputParsesBackToTheSameDocument() throws {
        let document: JSONValue = ["list": [["k": 1], []], "empty": [:], "pem": "-----BEGIN/END-----"]
        let pretty = document.serialized(pretty: true)
        #expect(String(decoding: pretty, as: UTF8.self).contains("\n"))
        #expect(String(decoding: pretty, as: UTF8.self).contains("BEGIN/END"))
        #expect(try JSONValue(parsing: pretty) == document)
    }
}
