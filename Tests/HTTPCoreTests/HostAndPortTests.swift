import HTTPCore
import Testing

@Suite struct HostAndPortTests {
    @Test(arguments: [
        ("box", HostAndPort.Kind.registeredName, "box", nil as Int?),
        ("Box.Example.COM:8080", .registeredName, "Box.Example.COM", 8080),
        ("abcd1234.odoo-iot.com.", .registeredName, "abcd1234.odoo-iot.com.", nil),
        ("192.168.1.10", .ipv4, "192.168.1.10", nil),
        ("0.0.0.0:0", .ipv4, "0.0.0.0", 0),
        ("255.255.255.255:65535", .ipv4, "255.255.255.255", 65535),
        ("[::1]", .ipv6, "::1", nil),
        ("[::1]:8443", .ipv6, "::1", 8443),
        ("[::]", .ipv6, "::", nil),
        ("[fe80::1:2]", .ipv6, "fe80::1:2", nil),
        ("[1:2:3:4:5:6:7:8]:1", .ipv6, "1:2:3:4:5:6:7:8", 1),
        ("[::ffff:192.0.2.1]", .ipv6, "::ffff:192.0.2.1", nil),
        ("[1:2:3:4:5:6:192.0.2.1]", .ipv6, "1:2:3:4:5:6:192.0.2.1", nil),
        ("[1::]", .ipv6, "1::", nil),
        ("[ABCD:ef01::]", .ipv6, "ABCD:ef01::", nil),
        ("host:", .registeredName, "host", nil),
        ("a%41b", .registeredName, "a%41b", nil),
        ("sub_delims!$&'()*+,;=~", .registeredName, "sub_delims!$&'()*+,;=~", nil),
        // Shaped like an address but not one: RFC 3986 reads these as registered names.
        ("1.2.3", .registeredName, "1.2.3", nil),
        ("01.2.3.4", .registeredName, "01.2.3.4", nil),
        ("256.1.1.1", .registeredName, "256.1.1.1", nil),
    ])
    func validAuthoritiesAreSplit(text: String, kind: HostAndPort.Kind, host: String, port: Int?) throws {
        let parsed = try #require(HostAndPort(text), "\(text)")
        #expect(parsed.kind == kind)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test(arguments: [
        "", ":80", "bad/host", "bad host", "a@b", "user@box:80", "box:80:80", "box:123456", "box:65536",
        "box:8o", "box: 80", " box", "box ", "a%4", "a%zz", "h\u{e9}te", "a\\b", "a\"b", "<box>", "box#x",
        "box?x", "[::1", "::1", "[::1]x", "[::1]:x", "[]", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]",
        "[12345::]", "[1:2:3:4:5:6:7]", "[:1]", "[1:]", "[::1%eth0]", "[::1%25eth0]", "[v1.x]",
        "[1.2.3.4]", "[::1.2.3]", "[::256.1.1.1]", "[1:2:3:4:5:6:7:1.2.3.4]", "[g::]",
    ])
    func invalidAuthoritiesAreRefused(text: String) {
        #expect(HostAndPort(text) == nil, "\(text)")
    }

    @Test func anEmptyPortReadsAsNoPort() throws {
        let parsed = try #require(HostAndPort("[::1]"))
        #expect(parsed.port == nil)
        #expect(HostAndPort("box:")?.port == nil)
    }

    @Test func aSubstringIsParsedInPlace() throws {
        let url = "http://Box:81/path"
        let authority = url.dropFirst(7).prefix { $0 != "/" }
        let parsed = try #require(HostAndPort(authority))
        #expect(parsed.host == "Box")
        #expect(parsed.port == 81)
    }

    @Test func hostMatchingIgnoresCaseAndOneTrailingDot() throws {
        let name = try #require(HostAndPort("Box.Local.:80"))
        #expect(name.hostMatches("box.local"))
        #expect(!name.hostMatches("box.loca"))
        #expect(!name.hostMatches("box.local.x"))
        #expect(name.normalizedHost == "box.local")
        let address = try #require(HostAndPort("[::1]"))
        #expect(address.hostMatches("::1"))
        #expect(address.normalizedHost == "::1")
    }

    @Test func formattingPutsIPv6InBracketsAndDropsTheDefaultPort() throws {
        #expect(try #require(HostAndPort("[::1]:8080")).description == "[::1]:8080")
        #expect(try #require(HostAndPort("box")).description == "box")
        #expect(HostAndPort.authority(host: "::1", port: 443, omittingPort: 443) == "[::1]")
        #expect(HostAndPort.authority(host: "box", port: 8069, omittingPort: 443) == "box:8069")
    }

    @Test func equalValuesCompareEqual() {
        #expect(HostAndPort("box:80") == HostAndPort("box:80"))
        #expect(HostAndPort("box:80") != HostAndPort("box:81"))
    }
}
