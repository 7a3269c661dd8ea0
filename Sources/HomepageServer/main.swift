// HomepageServer: the `homepage-server` executable, thin glue.
//
// Owns: flags, the data dir, `odoo.conf`, machine facts, logging, the CSRF and Host checks,
// the routes and pages' view models, and the wiring of CertService to the listeners.
// Must never: hold certificate rules (CertService's), HTTP mechanics (HTTPCore's), or HTML
// (Views'); block an event loop.

import ArgumentParser
import CertService
import Glibc
import HTTPCore
import Logging

/// Prints one line to stderr and exits 2: the contract for a bad flag, an unusable port or
/// an unwritable data dir.
func exitWithUsageError(_ message: String) -> Never {
    let line = Array("homepage-server: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(2)
}

let flags: Flags
do {
    flags = try Flags.parse()
} catch {
    // ArgumentParser exits 64 on a validation error; the contract says 2. Help and version
    // requests keep their success code.
    if Flags.exitCode(for: error) == .success {
        print(Flags.fullMessage(for: error))
        exit(0)
    }
    let message = Flags.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
    exitWithUsageError(message)
}

// Signals are blocked before any thread starts, so every thread inherits the mask and the
// main thread alone takes SIGTERM/SIGINT through sigwait: no code runs in a signal handler.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

// The HTTP port is taken before anything is written, so an unusable port leaves no data
// dir, log or sandbox CA behind.
var configuration = HTTPServerConfiguration()
configuration.workers = flags.workers
// No route takes more than a form: refusing larger bodies from their length keeps a LAN
// client from making the box buffer a megabyte per connection.
configuration.parserLimits.maxBodySize = FormData.maximumBodySize
let handlerSlot = HandlerSlot()
let server = HTTPServer(configuration: configuration, handler: handlerSlot)
let httpListener: ListenerInfo
do {
    httpListener = try server.listen(host: flags.bind, port: flags.httpPort)
} catch {
    exitWithUsageError("cannot listen on \(flags.bind) port \(flags.httpPort): \(describe(error))")
}

do {
    try DataDirectory.prepare(flags.dataDir)
} catch {
    exitWithUsageError(error.description)
}

let logSink: LogFileSink
do {
    logSink = try LogFileSink(directory: flags.dataDir + "/logs")
} catch {
    exitWithUsageError("cannot open the log in \(flags.dataDir)/logs: \(error)")
}
let settings = BoxSettings(path: flags.dataDir + "/odoo.conf")
let savedLevel = settings.current[.logLevel].flatMap(SharedLogLevel.level(named:))
let logLevel = SharedLogLevel(savedLevel ?? SharedLogLevel.level(named: flags.logLevel.rawValue) ?? .warning)
HomepageLogHandler.bootstrap(sink: logSink, level: logLevel)
logSink.setSecrets([settings.current[.enterpriseCode]].compactMap { $0 })
let logger = Logger(label: "homepage")
if let damage = settings.damage { logger.error("\(damage)") }

let csrf: CSRFProtection
do {
    csrf = try CSRFProtection.loadOrCreate(at: flags.dataDir + "/" + CSRFProtection.fileName)
} catch {
    exitWithUsageError("cannot keep the form secret in \(flags.dataDir): \(error)")
}

let sandbox: SandboxRuntime?
if flags.sandbox {
    do {
        sandbox = try SandboxRuntime(dataDirectory: flags.dataDir)
    } catch {
        exitWithUsageError("cannot start the certificate sandbox: \(error)")
    }
} else {
    sandbox = nil
}

let keyFile = flags.resolvedKeyFile
if access(keyFile, F_OK) == 0 {
    do {
        if try tightenPrivateKeyPermissions(path: keyFile) {
            logger.warning(
                "the private key was readable by others; its mode is now 0600", metadata: ["path": "\(keyFile)"])
        }
    } catch {
        logger.error("the private key's permissions could not be tightened: \(error)")
    }
}

let machine = MachineInfo.current()
var clientConfiguration = HTTPClient.Configuration(extraCAFile: sandbox?.caFile ?? flags.caFile)
clientConfiguration.totalTimeout = .seconds(20)
let relay = CertificateStoredRelay()
let config = settings.current
let checker = CertificateChecker(
    configuration: .init(
        provisioningURL: sandbox?.provisioningURL ?? flags.provisioningURL, identifier: machine.identifier),
    store: CertificateStore(certificatePath: flags.resolvedCertFile, keyPath: keyFile),
    inspector: OpenSSLCertificateInspector(),
    transport: HTTPClientProvisioningTransport(client: HTTPClient(configuration: clientConfiguration)),
    settings: CertificateSettings(
        serverURL: config[.remoteServer] ?? sandbox?.baseURL, dbUUID: config[.dbUUID],
        enterpriseCode: config[.enterpriseCode]),
    logger: Logger(label: "cert"),
    onCertificateStored: { relay.forward(chainPEM: $0, keyPEM: $1) })

let app = HomepageApp(
    options: .init(
        dataDirectory: flags.dataDir, bind: flags.bind, httpsPort: flags.httpsPort,
        provisioningURL: flags.provisioningURL, extraCAFile: flags.caFile, certificateFile: flags.resolvedCertFile,
        keyFile: keyFile, publicDirectory: flags.publicDir ?? PublicDirectory.locate(),
        initialLogLevel: flags.logLevel.rawValue, sandbox: flags.sandbox),
    settings: settings, machine: machine, csrf: csrf, logSink: logSink, logLevel: logLevel, checker: checker,
    https: HTTPSListener(server: server, host: flags.bind, port: flags.httpsPort, logger: logger),
    sandbox: sandbox)
relay.connect { app.certificateStored(chainPEM: $0, keyPEM: $1) }
handlerSlot.fill(WebRoutes.makeHandler(app: app))

do {
    try server.start()
} catch {
    exitWithUsageError("cannot start the server: \(describe(error))")
}
logger.notice("serving", metadata: ["url": "\(httpListener.url)", "public-dir": "\(app.options.publicDirectory)"])
print(httpListener.url)
// Scripts read this line through a pipe, where stdout is block-buffered.
fflush(nil)
app.serveStoredCertificateIfUsable()
checker.start()

var received: Int32 = 0
sigwait(&stopSignals, &received)
logger.notice("stopping", metadata: ["signal": "\(received)"])
server.shutdown(gracePeriod: .seconds(5))
server.waitUntilStopped()
sandbox?.stop()
exit(0)

func describe(_ error: HTTPServerError) -> String {
    switch error {
    case .invalidAddress(let host): "\(host) is not an IP address"
    case .invalidPort(let port): "port \(port) is out of range"
    case .socketFailed(let operation, let code): "\(operation): \(describeErrno(code))"
    case .eventLoopFailed(let failure): "event loop: \(failure)"
    case .alreadyStarted: "already started"
    case .stopped: "stopped"
    }
}
