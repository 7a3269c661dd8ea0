import Testing

@testable import HomepageServer

@Suite struct HomepageServerSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
