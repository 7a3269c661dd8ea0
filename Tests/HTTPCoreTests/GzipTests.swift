import HTTPCore
import Testing

@Suite struct GzipTests {
    @Test func roundTripRestoresTheBytes() throws {
        let original = Array(String(repeating: "the box serves its homepage. ", count: 200).utf8)
        let compressed = try Gzip.compress(original)
        #expect(compressed.count < original.count)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(try Gzip.decompress(compressed, maxSize: original.count) == original)
    }

    @Test func emptyInputRoundTrips() throws {
        let compressed = try Gzip.compress([])
        #expect(try Gzip.decompress(compressed, maxSize: 10) == [])
    }

    @Test func outputOverLimitIsRefused() throws {
        let compressed = try Gzip.compress([UInt8](repeating: 7, count: 100_000))
        #expect(throws: GzipError.outputTooLarge(limit: 1000)) { try Gzip.decompress(compressed, maxSize: 1000) }
    }

    @Test func truncatedInputIsRefused() throws {
        let compressed = try Gzip.compress(Array(String(repeating: "abc", count: 500).utf8))
        #expect(throws: GzipError.truncatedInput) {
            try Gzip.decompress(Array(compressed.dropLast(12)), maxSize: 10_000)
        }
    }

    @Test func garbageIsRefused() {
        #expect(throws: GzipError.self) { try Gzip.decompress(Array("not gzip at all".utf8), maxSize: 100) }
    }
}
