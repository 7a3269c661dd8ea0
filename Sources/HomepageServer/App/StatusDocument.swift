import CertService
import Foundation
import Sandbox

/// `GET /status.json`: the machine-readable status of CONTRACT §4. Missing values are null.
enum StatusDocument {
    static func render(app: HomepageApp) -> [UInt8] {
        let status = app.checker.status
        let machine = app.machine
        let served = app.https.served
        var document: [String: Any] = [
            "identifier": machine.identifier,
            "version": machine.version,
            "ip": machine.ipAddress,
            "mac_address": machine.macAddress,
            "server_url": app.serverURL ?? NSNull(),
            "https_url": HomepageApp.httpsAddress(ipAddress: machine.ipAddress, served: served)?.url ?? NSNull(),
            "certificate": status.jsonObject,
            // Which certificate the TLS listener serves: after every check it is the stored one.
            "https": [
                "listening": served != nil, "port": served?.port ?? NSNull(), "serial": served?.serial ?? NSNull(),
                "subject": served?.subject ?? NSNull(),
                "not_after": served.map { CertificateStatus.rfc3339($0.notAfter) } ?? NSNull(),
            ] as [String: Any],
            "dns": DNSCheck.jsonObject(app.dns.report),
            "log_level": app.logLevel.name.rawValue,
        ]
        if let problem = app.settings.damage { document["settings_error"] = problem }
        if let sandbox = app.sandbox {
            document["sandbox"] =
                [
                    "ca_url": SandboxCertificateService.caPath,
                    "databases": SandboxRegistry(databases: sandbox.service.databases).jsonObject,
                ] as [String: Any]
        }
        let data =
            (try? JSONSerialization.data(
                withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
