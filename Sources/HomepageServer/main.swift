import ArgumentParser
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

let logLevel: Logger.Level =
    switch flags.logLevel {
    case .debug: .debug
    case .info: .info
    case .warning: .warning
    case .error: .error
    }
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = logLevel
    return handler
}
let logger = Logger(label: "homepage-server")

// Signals are blocked before any thread starts, so every thread inherits the mask and the
// main thread alone takes SIGTERM/SIGINT through sigwait: no code runs in a signal handler.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

var configuration = HTTPServerConfiguration()
configuration.workers = flags.workers
let publicDirectory = flags.publicDir ?? PublicDirectory.locate()
let server = HTTPServer(
    configuration: configuration, handler: HomepageRoutes.makeRouter(publicDirectory: publicDirectory))

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

do {
    try server.start()
} catch {
    exitWithUsageError("cannot start the server: \(describe(error))")
}
logger.info("serving", metadata: ["url": "\(httpListener.url)", "public-dir": "\(publicDirectory)"])
print(httpListener.url)
// Scripts read this line through a pipe, where stdout is block-buffered.
fflush(nil)

var received: Int32 = 0
sigwait(&stopSignals, &received)
logger.info("stopping", metadata: ["signal": "\(received)"])
server.shutdown(gracePeriod: .seconds(5))
server.waitUntilStopped()
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
