import Testing

@testable import Views

@Suite struct ViewsSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
