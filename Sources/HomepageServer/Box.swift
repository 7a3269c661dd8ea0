import BoxConfig
import CertService
import Glibc
import HTTPCore
import Logging
import Sandbox
import SystemKit

/// The box's wiring, done once: `launch` builds every part in dependency order (each from
/// parts already built, so nothing is filled in later) and starts serving; `wait` ends it.
struct Box {
    /// Why the box could not start: one line for stderr, exit code 2.
    struct LaunchFailure: Error {
        var message: String
    }

    let server: HTTPServer
    let app: HomepageApp
    let sandbox: SandboxRuntime?
    let logger: Logger
    /// Held for the process's life: one process per data dir.
    let dataDirectoryLock: DataDirectoryLock

    static func launch(_ flags: Flags) throws(LaunchFailure) -> Box {
        // A data dir already served by a live process is refused before any port is taken or
        // any byte written: a second instance would split the connections and rewrite the same
        // files.
        do {
            try DataDirectoryLock.ensureNotHeld(in: flags.dataDir)
        } catch {
            throw LaunchFailure(message: error.description)
        }
        // The HTTP ports are taken before anything is written, so an unusable port leaves no
        // data dir, log or sandbox CA behind. The handler comes when the server starts.
        var configuration = HTTPServerConfiguration()
        configuration.workers = flags.workers
        // No route takes more than a form: refusing larger bodies from their length keeps a LAN
        // client from making the box buffer a megabyte per connection.
        configuration.parserLimits.maxBodySize = FormData.maximumBodySize
        let server = HTTPServer(configuration: configuration)
        var httpListeners: [ListenerInfo] = []
        for port in flags.httpPorts.ports {
            do {
                httpListeners.append(try server.listen(host: flags.bind, port: port))
            } catch {
                throw LaunchFailure(message: "cannot listen on \(flags.bind) port \(port): \(describe(error))")
            }
        }

        let dataDirectoryLock: DataDirectoryLock
        do {
            try DataDirectory.prepare(flags.dataDir)
        } catch {
            throw LaunchFailure(message: error.description)
        }
        do {
            dataDirectoryLock = try DataDirectoryLock.acquire(in: flags.dataDir)
        } catch {
            throw LaunchFailure(message: error.description)
        }
        let logSink: LogFileSink
        do {
            logSink = try LogFileSink(directory: flags.dataDir + "/logs", journal: JournalStream.detect())
        } catch {
            throw LaunchFailure(message: "cannot open the log in \(flags.dataDir)/logs: \(error)")
        }
        let settings = BoxSettings(path: flags.dataDir + "/odoo.conf")
        let savedLevel = settings.current[.logLevel].flatMap(BoxLogLevel.init(named:))
        let logLevel = SharedLogLevel((savedLevel ?? flags.logLevel).loggerLevel)
        HomepageLogHandler.bootstrap(sink: logSink, level: logLevel)
        logSink.setSecrets([settings.current[.enterpriseCode]].compactMap { $0 })
        let logger = Logger(label: "homepage")
        if let damage = settings.damage { logger.error("\(damage)") }

        let csrf: CSRFProtection
        do {
            csrf = try CSRFProtection.loadOrCreate(inDirectory: flags.dataDir)
        } catch {
            throw LaunchFailure(message: "cannot keep the form key in \(flags.dataDir): \(error)")
        }
        var sandbox: SandboxRuntime?
        if flags.sandbox {
            do {
                sandbox = try SandboxRuntime(dataDirectory: flags.dataDir)
            } catch {
                throw LaunchFailure(message: "cannot start the certificate sandbox: \(error)")
            }
        }
        tightenKeyPermissions(flags.resolvedKeyFile, logger: logger)

        let machine = MachineWatcher()
        let dns = DNSCheck(onReport: { report in
            let level: Logger.Level = report.state == .ok ? .info : .warning
            logger.log(
                level: level, "DNS check of the HTTPS name",
                metadata: [
                    "name": "\(report.name)", "state": "\(report.state.rawValue)",
                    "addresses": "\(report.addresses.joined(separator: " "))", "detail": "\(report.detail ?? "")",
                ])
        })
        let store = CertificateStore(certificatePath: flags.resolvedCertFile, keyPath: flags.resolvedKeyFile)
        let https = HTTPSListener(
            server: server, host: flags.bind, port: flags.httpsPort, store: store, logger: logger
        ) { info, subject in
            ListenerURLs.httpsURLs(for: info, subject: subject, machine: machine.current)
        }
        let clientConfiguration = HTTPClientProvisioningTransport.clientConfiguration(
            extraCAFile: sandbox?.caFile ?? flags.caFile, requestTimeout: .seconds(flags.provisioningTimeout))
        let config = settings.current
        var checkerConfiguration = CertificateChecker.Configuration(
            provisioningURL: sandbox?.provisioningURL ?? flags.provisioningURL, identifier: machine.current.identifier)
        checkerConfiguration.dailyCheckTimeFile = flags.dataDir + "/" + DailyCheckTime.fileName
        let checker = CertificateChecker(
            configuration: checkerConfiguration,
            store: store,
            inspector: OpenSSLCertificateInspector(),
            transport: HTTPClientProvisioningTransport(client: HTTPClient(configuration: clientConfiguration)),
            settings: CertificateSettings(
                serverURL: config[.remoteServer] ?? sandbox?.baseURL, dbUUID: config[.dbUUID],
                enterpriseCode: config[.enterpriseCode]),
            logger: Logger(label: "cert"),
            onCertificateStored: { chainPEM, _ in
                https.serveStoredPair()
                settings.rememberSubject(ofChain: chainPEM, logger: logger)
                let ipAddress = machine.current.ipAddress
                dns.checkIfDue(
                    name: HomepageApp.httpsAddress(ipAddress: ipAddress, served: https.served)?.name,
                    expected: ipAddress, force: true)
            })
        let app = HomepageApp(
            settings: settings, machine: machine, dns: dns, csrf: csrf, logSink: logSink, logLevel: logLevel,
            checker: checker,
            https: https, sandbox: sandbox, bindAddress: flags.bind,
            publicDirectory: flags.publicDir ?? PublicDirectory.locate())

        let startLines = httpListeners.flatMap {
            ListenerURLs.urls(for: $0, boxAddresses: machine.current.allAddresses)
        }
        logger.notice(
            "serving",
            metadata: ["url": "\(startLines.joined(separator: " "))", "public-dir": "\(app.publicDirectory)"])
        for line in startLines { print(line) }
        // Scripts read this line through a pipe, where stdout is block-buffered.
        fflush(nil)
        // A certificate replacement cut short by a power cut is finished or undone before the
        // HTTPS listener opens and before any request can start another check.
        checker.start()
        https.serveStoredPair()
        app.checkDNS()
        app.startMaintenance()
        do {
            try server.start(handler: WebRoutes.makeHandler(app: app))
        } catch {
            throw LaunchFailure(message: "cannot start the server: \(describe(error))")
        }
        return Box(server: server, app: app, sandbox: sandbox, logger: logger, dataDirectoryLock: dataDirectoryLock)
    }

    /// Finishes requests in flight (at most 5 s) and stops everything the box started.
    func stop() {
        server.shutdown(gracePeriod: .seconds(5))
        server.waitUntilStopped()
        sandbox?.stop()
    }

    private static func tightenKeyPermissions(_ keyFile: String, logger: Logger) {
        guard access(keyFile, F_OK) == 0 else { return }
        do {
            if try tightenPrivateKeyPermissions(path: keyFile) {
                logger.warning(
                    "the private key was readable by others; its mode is now 0600", metadata: ["path": "\(keyFile)"])
            }
        } catch {
            logger.error("the private key's permissions could not be tightened: \(error)")
        }
    }

    private static func describe(_ error: HTTPServerError) -> String {
        switch error {
        case .invalidAddress(let host): "\(host) is not an IP address"
        case .invalidPort(let port): "port \(port) is out of range"
        case .socketFailed(let operation, let code): "\(operation): \(SystemError(code))"
        case .eventLoopFailed(let failure): "event loop: \(failure)"
        case .alreadyStarted: "already started"
        case .stopped: "stopped"
        }
    }
}
