import BoxConfig
import Glibc

/// The command line (CONTRACT section 2). Every flag is parsed and kept; the certificate
/// flags are carried for the parts of the box that will use them.
///
/// Read by hand from a table of options rather than by a command-line library: fourteen
/// options do not need one, and the library's start (reflection over the command's properties,
/// the dynamic casts behind it) was the largest part of what a box keeps resident from its
/// first milliseconds (docs/PERFORMANCE.md, "Idle memory").
struct Flags: Equatable, Sendable {
    var dataDir = "./iot-box-data"
    var bind = "0.0.0.0"
    var httpPorts = PortList([8069])
    var httpsPort = 8443
    var provisioningTimeout = 95
    var provisioningURL = "https://www.odoo.com/odoo-enterprise/iot/x509"
    var caFile: String?
    var certFile: String?
    var keyFile: String?
    var publicDir: String?
    var logLevel: BoxLogLevel = .warning
    var sandbox = false
    var workers = Flags.processorCount

    var resolvedCertFile: String { certFile ?? dataDir + "/tls/cert.pem" }
    var resolvedKeyFile: String { keyFile ?? dataDir + "/tls/key.pem" }

    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// What the command line asks for.
    enum Request: Equatable {
        case run(Flags)
        case help
        case version
    }

    /// A command line that cannot be used; `message` is one line, naming the flag.
    struct UsageError: Error, Equatable {
        let message: String
    }

    /// Reads `arguments` (without the program's name). Each option takes its value as the next
    /// argument or after `=` (`--http-port 80,8069`, `--http-port=80,8069`); a later one wins.
    static func request(from arguments: [String]) throws(UsageError) -> Request {
        var flags = Flags()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help }
            if argument == "--version" { return .version }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw UsageError(message: "unexpected argument '\(argument)'")
            }
            let name: Substring
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = argument[..<equals]
                value = String(argument[argument.index(after: equals)...])
            } else {
                name = Substring(argument)
            }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(message: "unknown option '\(name)'")
            }
            guard option.takesValue else {
                if value != nil { throw UsageError(message: "\(name) takes no value") }
                try option.apply(&flags, "")
                continue
            }
            if value == nil {
                // A value may not look like an option: `--data-dir --bind x` lacks the data dir.
                guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                    throw UsageError(message: "missing value for \(name) <\(option.valueName)>")
                }
                value = arguments[index]
                index += 1
            }
            try option.apply(&flags, value ?? "")
        }
        try flags.validate()
        return .run(flags)
    }

    /// The flags `arguments` ask to run with; help and version requests are usage errors here.
    static func parse(_ arguments: [String]) throws(UsageError) -> Flags {
        switch try request(from: arguments) {
        case .run(let flags): return flags
        case .help, .version: throw UsageError(message: "help and version are not a run")
        }
    }

    private func validate() throws(UsageError) {
        if let problem = httpPorts.problem { throw UsageError(message: "--http-port \(problem)") }
        guard (0...65535).contains(httpsPort) else { throw UsageError(message: "--https-port must be 0...65535") }
        guard httpsPort == 0 || !httpPorts.ports.contains(httpsPort) else {
            throw UsageError(message: "--https-port \(httpsPort) is also an --http-port")
        }
        guard (1...1024).contains(workers) else { throw UsageError(message: "--workers must be 1...1024") }
        guard (1...3600).contains(provisioningTimeout) else {
            throw UsageError(message: "--provisioning-timeout must be 1...3600 seconds")
        }
        guard !dataDir.isEmpty else { throw UsageError(message: "--data-dir must not be empty") }
    }

    // MARK: The options

    /// One option: its name, the word its value is shown as (none for a switch), its help,
    /// and how its text sets the flags.
    struct Option: Sendable {
        let name: String
        let valueName: String
        let help: String
        let defaultText: String?
        let apply: @Sendable (inout Flags, String) throws(UsageError) -> Void

        var takesValue: Bool { !valueName.isEmpty }
    }

    static let options: [Option] = [
        text(
            "--data-dir", "path", "Settings, certificate, key and logs (created 0700 if missing).",
            default: "./iot-box-data"
        ) { $0.dataDir = $1 },
        text("--bind", "address", "Address of every listener.", default: "0.0.0.0") { $0.bind = $1 },
        Option(
            name: "--http-port", valueName: "ports",
            help: "Plain HTTP ports, comma-separated (80,8069); 0 picks a free port.", defaultText: "8069"
        ) { (flags: inout Flags, text: String) throws(UsageError) in
            guard let ports = PortList(argument: text) else { throw invalid(text, "--http-port", "ports") }
            flags.httpPorts = ports
        },
        integer(
            "--https-port", "port", "TLS port, opened once a valid certificate exists; 0 picks one.", default: "8443"
        ) { $0.httpsPort = $1 },
        integer(
            "--provisioning-timeout", "seconds",
            "Seconds one certificate request may take (the service obtains the certificate while the box waits).",
            default: "95"
        ) { $0.provisioningTimeout = $1 },
        text(
            "--provisioning-url", "url", "The certificate service.",
            default: "https://www.odoo.com/odoo-enterprise/iot/x509"
        ) { $0.provisioningURL = $1 },
        text("--ca-file", "path", "Extra trusted CA certificates (PEM) for outgoing TLS.") { $0.caFile = $1 },
        text("--cert-file", "path", "Certificate chain (default: DATA/tls/cert.pem).") { $0.certFile = $1 },
        text("--key-file", "path", "Private key (default: DATA/tls/key.pem).") { $0.keyFile = $1 },
        text(
            "--public-dir", "path",
            "Static assets (default: /usr/share/iot-box-homepage/public when installed, else Public/)."
        ) { $0.publicDir = $1 },
        Option(
            name: "--log-level", valueName: "level", help: "debug, info, warning or error.", defaultText: "warning"
        ) { (flags: inout Flags, text: String) throws(UsageError) in
            guard let level = BoxLogLevel(rawValue: text) else { throw invalid(text, "--log-level", "level") }
            flags.logLevel = level
        },
        Option(
            name: "--sandbox", valueName: "", help: "Run the built-in certificate sandbox on loopback and use it.",
            defaultText: nil
        ) { (flags: inout Flags, _: String) throws(UsageError) in flags.sandbox = true },
        integer("--workers", "count", "Event-loop threads (default: number of cores).") { $0.workers = $1 },
    ]

    private static func text(
        _ name: String, _ valueName: String, _ help: String, default defaultText: String? = nil,
        _ set: @escaping @Sendable (inout Flags, String) -> Void
    ) -> Option {
        Option(name: name, valueName: valueName, help: help, defaultText: defaultText) {
            (flags: inout Flags, text: String) throws(UsageError) in set(&flags, text)
        }
    }

    private static func integer(
        _ name: String, _ valueName: String, _ help: String, default defaultText: String? = nil,
        _ set: @escaping @Sendable (inout Flags, Int) -> Void
    ) -> Option {
        Option(name: name, valueName: valueName, help: help, defaultText: defaultText) {
            (flags: inout Flags, text: String) throws(UsageError) in
            guard let number = Int(text) else { throw invalid(text, name, valueName) }
            set(&flags, number)
        }
    }

    private static func invalid(_ text: String, _ name: String, _ valueName: String) -> UsageError {
        UsageError(message: "the value '\(text)' is invalid for \(name) <\(valueName)>")
    }

    /// `--help`'s text.
    static var helpText: String {
        var lines = [
            "OVERVIEW: Serve the IoT box homepage over HTTP, and over HTTPS once a certificate exists.",
            "",
            "USAGE: homepage-server [<options>]",
            "",
            "OPTIONS:",
        ]
        let rows =
            options.map { option -> (String, String) in
                let form = option.takesValue ? "\(option.name) <\(option.valueName)>" : option.name
                let help = option.defaultText.map { "\(option.help) (default: \($0))" } ?? option.help
                return (form, help)
            } + [("--version", "Show the version."), ("-h, --help", "Show help information.")]
        let width = rows.map(\.0.count).max() ?? 0
        for (form, help) in rows {
            lines.append("  " + form + String(repeating: " ", count: width - form.count + 2) + help)
        }
        return lines.joined(separator: "\n")
    }
}
