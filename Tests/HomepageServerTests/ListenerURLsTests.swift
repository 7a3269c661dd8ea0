import Glibc
import HTTPCore
import TestSupport
import Testing

@testable import HomepageServer

@Suite struct ListenerURLsTests {
    static let addresses = ["127.0.0.1", "192.168.1.10", "10.0.0.5", "::1", "fe80::1", "2001:db8::10"]

    @Test func aSpecificAddressIsPrintedAsItIs() {
        #expect(
            ListenerURLs.urls(for: ListenerInfo(host: "127.0.0.1", port: 4711, isSecure: false), boxAddresses: [])
                == ["http://127.0.0.1:4711/"])
        #expect(
            ListenerURLs.urls(for: ListenerInfo(host: "::1", port: 4711, isSecure: false), boxAddresses: [])
                == ["http://[::1]:4711/"])
    }

    @Test func theUnspecifiedAddressBecomesTheBoxsAddressesThenLocalhost() {
        let urls = ListenerURLs.urls(
            for: ListenerInfo(host: "0.0.0.0", port: 8069, isSecure: false), boxAddresses: Self.addresses)
        #expect(urls == ["http://192.168.1.10:8069/", "http://10.0.0.5:8069/", "http://localhost:8069/"])
        let v6 = ListenerURLs.urls(
            for: ListenerInfo(host: "::", port: 8069, isSecure: false), boxAddresses: Self.addresses)
        #expect(v6 == ["http://[2001:db8::10]:8069/", "http://localhost:8069/"])
        #expect(!(urls + v6).contains { $0.contains("0.0.0.0") || $0.contains("[::]") })
    }

    @Test func theSchemesOwnPortIsLeftOut() {
        #expect(
            ListenerURLs.urls(
                for: ListenerInfo(host: "0.0.0.0", port: 80, isSecure: false), boxAddresses: Self.addresses)
                == ["http://192.168.1.10/", "http://10.0.0.5/", "http://localhost/"])
        #expect(
            ListenerURLs.urls(for: ListenerInfo(host: "10.0.0.5", port: 443, isSecure: true), boxAddresses: [])
                == ["https://10.0.0.5/"])
        #expect(
            ListenerURLs.urls(for: ListenerInfo(host: "10.0.0.5", port: 80, isSecure: true), boxAddresses: [])
                == ["https://10.0.0.5:80/"])
    }

    @Test func theHTTPSListenerAlsoNamesTheCertificatesAddress() {
        let machine = MachineInfo(
            identifier: "box", hostName: "box", ipAddress: "192.168.1.10", macAddress: "unknown",
            allAddresses: Self.addresses)
        let info = ListenerInfo(host: "0.0.0.0", port: 443, isSecure: true)
        #expect(
            ListenerURLs.httpsURLs(for: info, subject: "*.abcd1234.odoo-iot.com", machine: machine) == [
                "https://192.168.1.10/", "https://10.0.0.5/", "https://localhost/",
                "https://192-168-1-10.abcd1234.odoo-iot.com/",
            ])
        let other = ListenerInfo(host: "127.0.0.1", port: 8443, isSecure: true)
        #expect(
            ListenerURLs.httpsURLs(for: other, subject: "*.abcd1234.odoo-iot.com", machine: machine) == [
                "https://127.0.0.1:8443/", "https://192-168-1-10.abcd1234.odoo-iot.com:8443/",
            ])
        #expect(ListenerURLs.httpsURLs(for: other, subject: nil, machine: machine) == ["https://127.0.0.1:8443/"])
    }
}

@Suite struct PortListTests {
    @Test func parsesCommaSeparatedPorts() {
        #expect(PortList(argument: "80,8069")?.ports == [80, 8069])
        #expect(PortList(argument: " 80 , 8069 ")?.ports == [80, 8069])
        #expect(PortList(argument: "0,0")?.problem == nil)
        for bad in ["", ",", "80,", "eighty", "80;8069", "-1", "+80", "123456"] {
            #expect(PortList(argument: bad) == nil, "\(bad)")
        }
        #expect(PortList(argument: "8069,8069")?.problem != nil)
        #expect(PortList(argument: "70000")?.problem != nil)
    }
}

@Suite struct PublicDirectoryTests {
    @Test func anInstalledBinaryFindsTheSharedAssets() throws {
        let scratch = TemporaryDirectory()
        for directory in [
            "usr", "usr/bin", "usr/share", "usr/share/iot-box-homepage", "usr/share/iot-box-homepage/public",
        ] {
            mkdir(scratch.file(directory), 0o755)
        }
        #expect(
            PublicDirectory.locate(executable: scratch.file("usr/bin/homepage-server"))
                == scratch.file("usr/share/iot-box-homepage/public"))
    }

    @Test func aDevelopmentBuildFindsTheSourcePackagesPublic() {
        let scratch = TemporaryDirectory()
        for directory in ["Public", ".build", ".build/debug"] { mkdir(scratch.file(directory), 0o755) }
        #expect(
            PublicDirectory.locate(executable: scratch.file(".build/debug/homepage-server")) == scratch.file("Public"))
    }
}
