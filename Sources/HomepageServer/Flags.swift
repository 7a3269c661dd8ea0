import ArgumentParser
import BoxConfig
import Glibc

/// The command line (CONTRACT section 2). Every flag is parsed and kept; the certificate
/// flags are carried for the parts of the box that will use them.
struct Flags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homepage-server",
        abstract: "Serve the IoT box homepage over HTTP, and over HTTPS once a certificate exists.",
        version: MachineInfo.version)

    @Option(name: .customLong("data-dir"), help: "Settings, certificate, key and logs (created 0700 if missing).")
    var dataDir: String = "./iot-box-data"

    @Option(help: "Address of every listener.")
    var bind: String = "0.0.0.0"

    @Option(name: .customLong("http-port"), help: "Plain HTTP ports, comma-separated (80,8069); 0 picks a free port.")
    var httpPorts = PortList([8069])

    @Option(name: .customLong("https-port"), help: "TLS port, opened once a valid certificate exists; 0 picks one.")
    var httpsPort: Int = 8443

    @Option(
        name: .customLong("provisioning-timeout"),
        help: "Seconds one certificate request may take (the service obtains the certificate while the box waits).")
    var provisioningTimeout: Int = 95

    @Option(name: .customLong("provisioning-url"), help: "The certificate service.")
    var provisioningURL: String = "https://www.odoo.com/odoo-enterprise/iot/x509"

    @Option(name: .customLong("ca-file"), help: "Extra trusted CA certificates (PEM) for outgoing TLS.")
    var caFile: String?

    @Option(name: .customLong("cert-file"), help: "Certificate chain (default: DATA/tls/cert.pem).")
    var certFile: String?

    @Option(name: .customLong("key-file"), help: "Private key (default: DATA/tls/key.pem).")
    var keyFile: String?

    @Option(
        name: .customLong("public-dir"),
        help: "Static assets (default: /usr/share/iot-box-homepage/public when installed, else Public/).")
    var publicDir: String?

    @Option(name: .customLong("log-level"), help: "debug, info, warning or error.")
    var logLevel: BoxLogLevel = .warning

    @Flag(help: "Run the built-in certificate sandbox on loopback and use it.")
    var sandbox = false

    @Option(help: "Event-loop threads (default: number of cores).")
    var workers: Int = Flags.processorCount

    var resolvedCertFile: String { certFile ?? dataDir + "/tls/cert.pem" }
    var resolvedKeyFile: String { keyFile ?? dataDir + "/tls/key.pem" }

    func validate() throws {
        if let problem = httpPorts.problem { throw ValidationError("--http-port \(problem)") }
        guard (0...65535).contains(httpsPort) else { throw ValidationError("--https-port must be 0...65535") }
        guard httpsPort == 0 || !httpPorts.ports.contains(httpsPort) else {
            throw ValidationError("--https-port \(httpsPort) is also an --http-port")
        }
        guard (1...1024).contains(workers) else { throw ValidationError("--workers must be 1...1024") }
        guard (1...3600).contains(provisioningTimeout) else {
            throw ValidationError("--provisioning-timeout must be 1...3600 seconds")
        }
        guard !dataDir.isEmpty else { throw ValidationError("--data-dir must not be empty") }
    }

    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

extension BoxLogLevel: ExpressibleByArgument {}
