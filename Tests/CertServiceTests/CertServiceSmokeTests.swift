import Testing

@testable import CertService

@Suite struct CertServiceSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
