import Testing

@testable import HomepageServer

@Suite struct HostPolicyTests {
    let policy = HostPolicy(
        addresses: ["192.168.1.10", "127.0.0.1", "::1", "fe80::1"], hostName: "IoTBox-Shop",
        certificateSubject: "*.abcd1234.odoo-iot.com")

    @Test(arguments: [
        "192.168.1.10", "192.168.1.10:8069", "127.0.0.1:1", "[::1]", "[::1]:8443", "[0:0:0:0:0:0:0:1]:80",
        "localhost", "LOCALHOST:8069", "localhost.", "iotbox-shop", "IoTBox-Shop.:8069",
        "192-168-1-10.abcd1234.odoo-iot.com:8443", "192-168-1-10.ABCD1234.odoo-iot.com.", "abcd1234.odoo-iot.com",
        // RFC 3986 reads an empty port as no port: still the box's own name.
        "localhost:",
    ])
    func namesOfTheBoxAreAllowed(host: String) {
        #expect(policy.allows(hostHeader: host))
    }

    @Test(arguments: [
        "", " ", "evil.example", "evil.example:8069", "192.168.1.11", "10.0.0.1:8069", "::1", "[::2]",
        "abcd1234.odoo-iot.com.evil.example", "xabcd1234.odoo-iot.com", "odoo-iot.com", "localhost:abc",
        "192.168.1.10:8069:1", "user@localhost", "[::1", "[::1]x", "localhost:123456",
    ])
    func otherNamesAreRefused(host: String) {
        #expect(!policy.allows(hostHeader: host))
    }

    /// The box's own addresses may carry a zone (`fe80::1%eth0`, from the interface list), of
    /// any length: the address is read up to it. Hosts name no zone (RFC 9110), and an address
    /// longer than any real one is refused, not cut.
    @Test func anAddressIsReadUpToItsZoneAndNoLongerThanARealOne() {
        let zoned = HostPolicy(
            addresses: ["fe80::2%eth0", "fe80::3%" + String(repeating: "z", count: 80)], hostName: nil,
            certificateSubject: nil)
        #expect(zoned.allows(hostHeader: "[fe80::2]:8069"))
        #expect(zoned.allows(hostHeader: "[fe80:0000::3]"))
        #expect(policy.allows(hostHeader: "[0000:0000:0000:0000:0000:0000:0000:0001]"))
        #expect(!policy.allows(hostHeader: "[0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]"))
        #expect(!policy.allows(hostHeader: "[::ffff:127.0.0.1]"))
    }

    @Test func missingHostIsRefused() {
        #expect(!policy.allows(hostHeader: nil))
    }

    @Test func subjectWithoutWildcardIsItsOwnDomain() {
        let plain = HostPolicy(addresses: [], hostName: nil, certificateSubject: "box.example.com")
        #expect(plain.allows(hostHeader: "box.example.com"))
        #expect(!plain.allows(hostHeader: "example.com"))
    }

    /// `*.com` would make every `.com` name the box's; `*.odoo-iot.com` every other box's.
    @Test(arguments: ["*.com", "*.odoo-iot.com", "odoo-iot.com", "com", "*.", "*.a..com"])
    func aCertificateDomainOfFewerThanThreeLabelsOpensNoNames(_ subject: String) {
        let broad = HostPolicy(addresses: ["192.168.1.10"], hostName: "iotbox", certificateSubject: subject)
        for host in ["evil.com", "www.evil.com", "other.odoo-iot.com", "x.other.odoo-iot.com", "odoo-iot.com", "a.com"]
        {
            #expect(!broad.allows(hostHeader: host), "\(subject) opened \(host)")
        }
        #expect(broad.allows(hostHeader: "192.168.1.10"))
        #expect(broad.allows(hostHeader: "iotbox:8069"))
    }

    @Test func aThreeLabelDomainStillOpensItsNames() {
        let box = HostPolicy(addresses: [], hostName: nil, certificateSubject: "*.abcd1234.odoo-iot.com")
        #expect(box.allows(hostHeader: "192-168-1-10.abcd1234.odoo-iot.com"))
        #expect(box.allows(hostHeader: "abcd1234.odoo-iot.com"))
        #expect(!box.allows(hostHeader: "other.odoo-iot.com"))
    }

    @Test func withoutCertificateOnlyAddressesAndNamesPass() {
        let bare = HostPolicy(addresses: ["192.168.1.10"], hostName: nil, certificateSubject: nil)
        #expect(bare.allows(hostHeader: "192.168.1.10"))
        #expect(!bare.allows(hostHeader: "192-168-1-10.abcd1234.odoo-iot.com"))
    }
}
