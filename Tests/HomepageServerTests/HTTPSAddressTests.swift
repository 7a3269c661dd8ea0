import Foundation
import Testing

@testable import HomepageServer

/// The HTTPS address is kept under everything it is made from: whatever changes (the
/// address, the certificate's subject, the port) and in whatever order, the answer is the one
/// formed anew.
@Suite struct HTTPSAddressTests {
    private func served(_ subject: String?, port: Int) -> HTTPSListener.Served {
        HTTPSListener.Served(port: port, subject: subject, serial: "01", notAfter: Date(timeIntervalSince1970: 0))
    }

    @Test func keptAddressIsAlwaysTheOneForTheInputsAsked() {
        let cases: [(String, String?, Int)] = [
            ("192.168.1.10", "*.abcd1234.odoo-iot.com", 443),
            ("192.168.1.10", "*.abcd1234.odoo-iot.com", 443),
            ("192.168.1.11", "*.abcd1234.odoo-iot.com", 443),
            ("192.168.1.11", "*.efgh5678.odoo-iot.com", 443),
            ("192.168.1.11", "*.efgh5678.odoo-iot.com", 8443),
            ("192.168.1.11", "box.example.com", 8443),
            ("fe80::1", "*.efgh5678.odoo-iot.com", 8443),
            ("192.168.1.10", "*.abcd1234.odoo-iot.com", 443),
            ("192.168.1.10", "bad/name", 443),
            ("192.168.1.10", nil, 443),
            ("192.168.1.10", "*.abcd1234.odoo-iot.com", 443),
        ]
        for (ipAddress, subject, port) in cases + cases.reversed() {
            let shown = HomepageApp.httpsAddress(ipAddress: ipAddress, served: served(subject, port: port))
            let formed = subject.flatMap {
                HomepageApp.formHTTPSAddress(.init(ipAddress: ipAddress, subject: $0, port: port))
            }
            #expect(shown == formed)
        }
        #expect(HomepageApp.httpsAddress(ipAddress: "192.168.1.10", served: nil) == nil)
        let address = HomepageApp.httpsAddress(
            ipAddress: "192.168.1.12", served: served("*.abcd1234.odoo-iot.com", port: 8443))
        #expect(address?.url == "https://192-168-1-12.abcd1234.odoo-iot.com:8443")
        #expect(address?.name == "192-168-1-12.abcd1234.odoo-iot.com")
        #expect(address?.pingURL == "https://192-168-1-12.abcd1234.odoo-iot.com:8443/iot_drivers/ping")
        #expect(
            address?.reachabilityPolicy
                == SecurityHeaders.contentSecurityPolicy(
                    connectingTo: "https://192-168-1-12.abcd1234.odoo-iot.com:8443"))
    }
}
