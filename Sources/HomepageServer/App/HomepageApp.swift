import CertService
import Foundation
import HTTPCore
import Logging
import Sandbox
import Synchronization

/// The running box as the routes see it: settings, machine facts, certificate lifecycle,
/// the HTTPS listener and the log. Built once by `Box.launch`; read from any loop thread.
final class HomepageApp: Sendable {
    let settings: BoxSettings
    let machine: MachineInfo
    let csrf: CSRFProtection
    let flashes: FlashStore
    let logSink: LogFileSink
    let logLevel: SharedLogLevel
    let checker: CertificateChecker
    let https: HTTPSListener
    let sandbox: SandboxRuntime?
    /// The `--bind` address, which the Host check accepts when it is a real address.
    let bindAddress: String
    let publicDirectory: String
    let logger = Logger(label: "homepage")
    private let hostPolicyCache = Mutex<(subject: String?, policy: HostPolicy)?>(nil)

    init(
        settings: BoxSettings, machine: MachineInfo, csrf: CSRFProtection, flashes: FlashStore = FlashStore(),
        logSink: LogFileSink, logLevel: SharedLogLevel, checker: CertificateChecker, https: HTTPSListener,
        sandbox: SandboxRuntime?, bindAddress: String, publicDirectory: String
    ) {
        self.settings = settings
        self.machine = machine
        self.csrf = csrf
        self.flashes = flashes
        self.logSink = logSink
        self.logLevel = logLevel
        self.checker = checker
        self.https = https
        self.sandbox = sandbox
        self.bindAddress = bindAddress
        self.publicDirectory = publicDirectory
    }

    /// The Odoo server the box talks to: the saved one, or in sandbox mode the sandbox itself.
    var serverURL: String? {
        settings.current[.remoteServer] ?? sandbox?.baseURL
    }

    /// Named after the certificate the listener serves, so the address and the certificate
    /// always agree, even before the first check after a start has finished.
    var httpsURL: String? {
        guard let served = https.served, let subject = served.subject else { return nil }
        return CertificateStatus.httpsURL(ipAddress: machine.ipAddress, subject: subject, port: served.port)
    }

    /// Host policy for the current certificate domain; rebuilt only when the subject changes.
    var hostPolicy: HostPolicy {
        let subject = https.served?.subject ?? checker.status.subject
        return hostPolicyCache.withLock { cache in
            if let cache, cache.subject == subject { return cache.policy }
            // The bind address counts only when it is a real one: `0.0.0.0` or `::` as Host is
            // what a page uses to reach services on the browser's own machine.
            let bind = ["0.0.0.0", "::"].contains(bindAddress) ? [] : [bindAddress]
            let addresses = machine.allAddresses + ["127.0.0.1", "::1"] + bind
            let policy = HostPolicy(addresses: addresses, hostName: machine.hostName, certificateSubject: subject)
            cache = (subject, policy)
            return policy
        }
    }

    /// Tells the checker what `odoo.conf` now says (and starts a check).
    func pushSettingsToChecker() {
        let config = settings.current
        logSink.setSecrets([config[.enterpriseCode]].compactMap { $0 })
        checker.updateSettings(
            serverURL: config[.remoteServer] ?? sandbox?.baseURL, dbUUID: config[.dbUUID],
            enterpriseCode: config[.enterpriseCode])
    }
}
