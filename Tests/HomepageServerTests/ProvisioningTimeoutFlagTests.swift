import CertService
import Testing

@testable import HomepageServer

@Suite struct ProvisioningTimeoutFlagTests {
    /// The certificate service issues while the box waits: the product waits 95 s by default,
    /// the same figure the certificate client uses.
    @Test func theDefaultIs95Seconds() throws {
        let flags = try Flags.parse([])
        #expect(flags.provisioningTimeout == 95)
        #expect(HTTPClientProvisioningTransport.defaultRequestTimeout == .seconds(flags.provisioningTimeout))
    }

    @Test func aValueIsTakenAndNonsenseRefused() throws {
        #expect(try Flags.parse(["--provisioning-timeout", "30"]).provisioningTimeout == 30)
        #expect(throws: (any Error).self) { try Flags.parse(["--provisioning-timeout", "0"]) }
        #expect(throws: (any Error).self) { try Flags.parse(["--provisioning-timeout", "soon"]) }
    }
}
