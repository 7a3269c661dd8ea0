import CertService
import Dispatch
import FoundationEssentials
import HTTPCore
import Logging
import Sandbox
import Synchronization

/// The running box as the routes see it: settings, machine facts, certificate lifecycle,
/// the HTTPS listener, the DNS check and the log. Built once by `Box.launch`; read from any
/// loop thread. `maintain()` keeps what changes under the box (addresses, files) current.
final class HomepageApp: Sendable {
    /// How often `maintain()` runs: the contract gives a new address 5 s to be followed.
    static let maintenanceInterval: Duration = .seconds(2)

    let settings: BoxSettings
    let machineWatcher: MachineWatcher
    let dns: DNSCheck
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
    private let hostPolicyCache = Mutex<(subject: String?, generation: Int, policy: HostPolicy)?>(nil)

    init(
        settings: BoxSettings, machine: MachineWatcher, dns: DNSCheck, csrf: CSRFProtection,
        flashes: FlashStore = FlashStore(), logSink: LogFileSink, logLevel: SharedLogLevel,
        checker: CertificateChecker, https: HTTPSListener, sandbox: SandboxRuntime?, bindAddress: String,
        publicDirectory: String
    ) {
        self.settings = settings
        self.machineWatcher = machine
        self.dns = dns
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

    /// The machine facts as last read (at most `maintenanceInterval` old).
    var machine: MachineInfo { machineWatcher.current }

    /// Named after the certificate the listener serves and the box's current address, so the
    /// address and the certificate always agree, even before the first check after a start.
    var httpsURL: String? {
        Self.httpsAddress(ipAddress: machine.ipAddress, served: https.served)?.url
    }

    /// The HTTPS URL and its host name, or nil while nothing is served (or no name can be formed).
    static func httpsAddress(ipAddress: String, served: HTTPSListener.Served?) -> HTTPSAddress? {
        guard let served, let subject = served.subject else { return nil }
        let inputs = HTTPSAddressInputs(ipAddress: ipAddress, subject: subject, port: served.port)
        let kept = lastHTTPSAddress.withLock { last in last.flatMap { $0.inputs == inputs ? $0 : nil } }
        if let kept { return kept.address }
        let address = formHTTPSAddress(inputs)
        lastHTTPSAddress.withLock { $0 = (inputs, address) }
        return address
    }

    /// The box's HTTPS address, with the two texts the homepage over HTTP derives from it.
    struct HTTPSAddress: Equatable {
        /// `https://NAME`, plus `:PORT` unless 443.
        let url: String
        let name: String
        /// What the page's reachability script fetches: `url` + `/iot_drivers/ping`.
        let pingURL: String
        /// The page's security policy, which lets its script connect to `url`.
        let reachabilityPolicy: String

        init(url: String, name: String) {
            self.url = url
            self.name = name
            pingURL = url + "/iot_drivers/ping"
            reachabilityPolicy = SecurityHeaders.contentSecurityPolicy(connectingTo: url)
        }
    }

    /// What the HTTPS address is made from.
    struct HTTPSAddressInputs: Equatable {
        var ipAddress: String
        var subject: String
        var port: Int
    }

    /// The address formed last, under everything it is made from. Every homepage view shows
    /// it, and forming it (the subject's check, the dashed address, the URL, the ping URL and
    /// the page's policy) costs about 3 600 instructions; comparing the inputs, which are the
    /// same strings each time until the address or certificate changes, costs a few dozen.
    /// Another address, subject or port is other inputs, so it is never the address of an
    /// earlier state.
    private static let lastHTTPSAddress = Mutex<(inputs: HTTPSAddressInputs, address: HTTPSAddress?)?>(nil)

    /// `httpsAddress`'s answer, formed anew.
    static func formHTTPSAddress(_ inputs: HTTPSAddressInputs) -> HTTPSAddress? {
        guard let name = CertificateStatus.httpsHost(ipAddress: inputs.ipAddress, subject: inputs.subject) else {
            return nil
        }
        return HTTPSAddress(url: CertificateStatus.httpsURL(host: name, port: inputs.port), name: name)
    }

    /// Whether `authority` names this box (`HostPolicy`). An address is checked against the
    /// policy of the current machine facts as it is, inside the lock: it does not depend on the
    /// certificate, so neither the served subject nor the checker's status is read for it.
    func allowsHost(_ authority: HostAndPort?) -> Bool {
        guard let authority else { return false }
        switch authority.kind {
        case .ipv4, .ipv6:
            let generation = machineWatcher.generation
            let answer = hostPolicyCache.withLock { cache -> Bool? in
                guard let cache, cache.generation == generation else { return nil }
                return cache.policy.allows(authority)
            }
            if let answer { return answer }
        case .registeredName:
            break
        }
        return hostPolicy.allows(authority)
    }

    /// Host policy for the current certificate domain and addresses; rebuilt only when the
    /// subject or the machine facts change.
    var hostPolicy: HostPolicy {
        let subject = https.served?.subject ?? checker.status.subject
        let (machine, generation) = machineWatcher.snapshot
        return hostPolicyCache.withLock { cache in
            if let cache, cache.subject == subject, cache.generation == generation { return cache.policy }
            // The bind address counts only when it is a real one: `0.0.0.0` or `::` as Host is
            // what a page uses to reach services on the browser's own machine.
            let bind = ["0.0.0.0", "::"].contains(bindAddress) ? [] : [bindAddress]
            let addresses = machine.allAddresses + ["127.0.0.1", "::1"] + bind
            let policy = HostPolicy(addresses: addresses, hostName: machine.hostName, certificateSubject: subject)
            cache = (subject, generation, policy)
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

    /// What the box does every `maintenanceInterval`, off the event loops: reads its addresses
    /// again, serves the certificate pair on disk if it is not the one served, passes on a
    /// repaired `odoo.conf`, and asks the DNS check when it is due.
    func maintain() {
        if let change = machineWatcher.refresh() {
            logger.notice(
                "the box's addresses changed",
                metadata: [
                    "ip": "\(change.new.ipAddress)", "was": "\(change.old.ipAddress)",
                    "addresses": "\(change.new.allAddresses.joined(separator: " "))",
                ])
        }
        https.serveStoredPair()
        if settings.takeRepair() {
            logger.notice("odoo.conf is readable again; its settings are in use")
            pushSettingsToChecker()
        }
        checkDNS()
    }

    /// The DNS check for the current HTTPS name and address; `force` after a stored certificate.
    func checkDNS(force: Bool = false) {
        let machine = self.machine
        let address = Self.httpsAddress(ipAddress: machine.ipAddress, served: https.served)
        dns.checkIfDue(name: address?.name, expected: machine.ipAddress, force: force)
    }

    /// Runs `maintain()` every `interval` on a utility queue, for as long as the app exists.
    func startMaintenance(every interval: Duration = HomepageApp.maintenanceInterval) {
        let queue = DispatchQueue(label: "box.maintenance", qos: .utility)
        let milliseconds = Int(
            interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        @Sendable func next() {
            queue.asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [weak self] in
                guard let self else { return }
                self.maintain()
                next()
            }
        }
        next()
    }
}
