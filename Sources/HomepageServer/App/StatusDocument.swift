import CertService
import Foundation
import Sandbox

/// `GET /status.json`: the machine-readable status of CONTRACT §4. Missing values are null.
enum StatusDocument {
    static func render(app: HomepageApp) -> [UInt8] {
        let status = app.checker.status
        let httpsPort = app.https.port
        var document: [String: Any] = [
            "identifier": app.machine.identifier,
            "version": app.machine.version,
            "ip": app.machine.ipAddress,
            "mac_address": app.machine.macAddress,
            "server_url": app.serverURL ?? NSNull(),
            "https_url": app.httpsURL ?? NSNull(),
            "certificate": status.jsonObject,
            "https": ["listening": httpsPort != nil, "port": httpsPort ?? NSNull()] as [String: Any],
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
