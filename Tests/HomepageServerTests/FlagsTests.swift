import BoxConfig
import Testing

@testable import HomepageServer

/// The command line of CONTRACT section 2, read by `Flags.request(from:)`.
@Suite struct FlagsTests {
    @Test func noArgumentsGiveTheContractsDefaults() throws {
        let flags = try Flags.parse([])
        #expect(flags.dataDir == "./iot-box-data")
        #expect(flags.bind == "0.0.0.0")
        #expect(flags.httpPorts == PortList([8069]))
        #expect(flags.httpsPort == 8443)
        #expect(flags.provisioningTimeout == 95)
        #expect(flags.provisioningURL == "https://www.odoo.com/odoo-enterprise/iot/x509")
        #expect(flags.caFile == nil && flags.certFile == nil && flags.keyFile == nil && flags.publicDir == nil)
        #expect(flags.logLevel == .warning)
        #expect(!flags.sandbox)
        #expect(flags.workers == Flags.processorCount)
        #expect(flags.resolvedCertFile == "./iot-box-data/tls/cert.pem")
        #expect(flags.resolvedKeyFile == "./iot-box-data/tls/key.pem")
    }

    @Test func everyOptionIsTakenWithItsValueNextOrAfterAnEqualsSign() throws {
        let flags = try Flags.parse([
            "--data-dir", "/var/lib/box", "--bind=127.0.0.1", "--http-port", "80,8069", "--https-port=443",
            "--provisioning-timeout", "30", "--provisioning-url=https://service.example/x509", "--ca-file", "/ca.pem",
            "--cert-file=/c.pem", "--key-file", "/k.pem", "--public-dir", "/public", "--log-level=debug", "--sandbox",
            "--workers", "3",
        ])
        var expected = Flags()
        expected.dataDir = "/var/lib/box"
        expected.bind = "127.0.0.1"
        expected.httpPorts = PortList([80, 8069])
        expected.httpsPort = 443
        expected.provisioningTimeout = 30
        expected.provisioningURL = "https://service.example/x509"
        expected.caFile = "/ca.pem"
        expected.certFile = "/c.pem"
        expected.keyFile = "/k.pem"
        expected.publicDir = "/public"
        expected.logLevel = .debug
        expected.sandbox = true
        expected.workers = 3
        #expect(flags == expected)
        #expect(flags.resolvedCertFile == "/c.pem")
    }

    @Test func aLaterOptionWinsAndAValueMayHoldAnEqualsSign() throws {
        let flags = try Flags.parse(["--bind", "10.0.0.1", "--bind", "10.0.0.2", "--data-dir=/a=b"])
        #expect(flags.bind == "10.0.0.2")
        #expect(flags.dataDir == "/a=b")
    }

    @Test func helpAndVersionAreRequestsOfTheirOwn() throws {
        #expect(try Flags.request(from: ["--help"]) == .help)
        #expect(try Flags.request(from: ["--workers", "2", "-h"]) == .help)
        #expect(try Flags.request(from: ["--version"]) == .version)
        let help = Flags.helpText
        for option in Flags.options { #expect(help.contains(option.name), "\(option.name)") }
        #expect(help.contains("--version") && help.contains("-h, --help"))
        #expect(help.contains("(default: 8069)"))
    }

    /// Each refusal is one line naming what is wrong (main.swift prints it and exits 2).
    @Test(arguments: [
        (["--port", "80"], "unknown option '--port'"),
        (["serve"], "unexpected argument 'serve'"),
        (["--"], "unexpected argument '--'"),
        (["--data-dir"], "missing value for --data-dir <path>"),
        (["--data-dir", "--bind", "x"], "missing value for --data-dir <path>"),
        (["--workers", "two"], "the value 'two' is invalid for --workers <count>"),
        (["--https-port="], "the value '' is invalid for --https-port <port>"),
        (["--log-level", "loud"], "the value 'loud' is invalid for --log-level <level>"),
        (["--http-port", "80;8069"], "the value '80;8069' is invalid for --http-port <ports>"),
        (["--sandbox=yes"], "--sandbox takes no value"),
        (["--http-port", "80,80"], "--http-port names a port twice"),
        (["--https-port", "8069"], "--https-port 8069 is also an --http-port"),
        (["--https-port", "70000"], "--https-port must be 0...65535"),
        (["--workers", "0"], "--workers must be 1...1024"),
        (["--provisioning-timeout", "0"], "--provisioning-timeout must be 1...3600 seconds"),
        (["--data-dir", ""], "--data-dir must not be empty"),
    ])
    func aBadCommandLineIsRefusedSayingWhy(arguments: [String], message: String) {
        #expect(throws: Flags.UsageError(message: message)) { try Flags.request(from: arguments) }
    }
}
