import CertService
import HTTPCore
import Sandbox

/// `GET /status.json`: the machine-readable status of CONTRACT §4. Missing values are null.
enum StatusDocument {
    static func render(app: HomepageApp) -> [UInt8] {
        let status = app.checker.status
        let machine = app.machine
        let served = app.https.served
        var document: [String: JSONValue] = [
            "identifier": JSONValue(machine.identifier),
            "version": JSONValue(machine.version),
            "ip": JSONValue(machine.ipAddress),
            "mac_address": JSONValue(machine.macAddress),
            "server_url": JSONValue(app.serverURL),
            "https_url": JSONValue(HomepageApp.httpsAddress(ipAddress: machine.ipAddress, served: served)?.url),
            "certificate": status.json,
            // Which certificate the TLS listener serves: after every check it is the stored one.
            "https": [
                "listening": .bool(served != nil), "port": JSONValue(served?.port), "serial": JSONValue(served?.serial),
                "subject": JSONValue(served?.subject),
                "not_after": JSONValue(served.map { CertificateStatus.rfc3339($0.notAfter) }),
            ],
            "dns": DNSCheck.json(app.dns.report),
            "log_level": JSONValue(app.logLevel.name.rawValue),
        ]
        if let problem = app.settings.damage { document["settings_error"] = JSONValue(problem) }
        if let sandbox = app.sandbox {
            document["sandbox"] = [
                "ca_url": JSONValue(SandboxCertificateService.caPath),
                "databases": SandboxRegistry(databases: sandbox.service.databases).json,
            ]
        }
        return JSONValue.object(document).serialized(pretty: true) + [UInt8(ascii: "\n")]
    }
}
