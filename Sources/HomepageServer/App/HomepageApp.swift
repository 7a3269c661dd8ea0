import CertService
import Foundation
import HTTPCore
import Logging
import Synchronization

/// The running box: settings, certificate lifecycle, listeners and logs, wired together.
/// Built once at start by `HomepageApp.launch`; the routes read it from any loop thread.
final class HomepageApp: Sendable {
    struct Options: Sendable {
        var dataDirectory: String
        var bind: String
        var httpsPort: Int
        var provisioningURL: String
        var extraCAFile: String?
        var certificateFile: String
        var keyFile: String
        var publicDirectory: String
        var initialLogLevel: String
        var sandbox: Bool
    }

    let options: Options
    let settings: BoxSettings
    let machine: MachineInfo
    let csrf: CSRFProtection
    let flashes = FlashStore()
    let logSink: LogFileSink
    let logLevel: SharedLogLevel
    let checker: CertificateChecker
    let https: HTTPSListener
    let sandbox: SandboxRuntime?
    let logger = Logger(label: "homepage")
    private let hostPolicyCache = Mutex<(subject: String?, policy: HostPolicy)?>(nil)

    init(
        options: Options, settings: BoxSettings, machine: MachineInfo, csrf: CSRFProtection, logSink: LogFileSink,
        logLevel: SharedLogLevel, checker: CertificateChecker, https: HTTPSListener, sandbox: SandboxRuntime?
    ) {
        self.options = options
        self.settings = settings
        self.machine = machine
        self.csrf = csrf
        self.logSink = logSink
        self.logLevel = logLevel
        self.checker = checker
        self.https = https
        self.sandbox = sandbox
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
            let bind = ["0.0.0.0", "::"].contains(options.bind) ? [] : [options.bind]
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

    /// Called by the checker after a new pair is on disk: serve it, and remember its subject.
    func certificateStored(chainPEM: String, keyPEM: String) {
        do {
            try https.install(chainPEM: Array(chainPEM.utf8), keyPEM: Array(keyPEM.utf8))
        } catch {
            logger.error("the new certificate could not be served: \(error)")
        }
        if let leaf = try? X509Certificate.parseChain(pem: Array(chainPEM.utf8)).first,
            let subject = leaf.subjectCommonName
        {
            do throws(SettingsSaveError) {
                _ = try settings.update { $0[.subject] = subject }
            } catch {
                logger.warning("could not save the certificate subject: \(error.message)")
            }
        }
    }

    /// At start: serve the stored pair at once when it is usable, before any check.
    func serveStoredCertificateIfUsable() {
        guard let pair = try? checker.store.read(),
            let leaf = try? X509Certificate.parseChain(pem: Array(pair.chainPEM.utf8)).first,
            leaf.notAfter > Date()
        else { return }
        do {
            try https.install(chainPEM: Array(pair.chainPEM.utf8), keyPEM: Array(pair.keyPEM.utf8))
        } catch {
            logger.error("the stored certificate cannot be served: \(error)")
        }
    }
}
