// HomepageServer: the `homepage-server` executable, thin glue.
//
// Owns: flags, the data dir, `odoo.conf`, machine facts, logging, the CSRF and Host checks,
// the routes and pages' view models, and the wiring of CertService to the listeners (`Box`).
// Must never: hold certificate rules (CertService's), HTTP mechanics (HTTPCore's), or HTML
// (Views'); block an event loop.

import Glibc

/// Prints one line to stderr and exits 2: the contract for a bad flag, an unusable port or
/// an unwritable data dir.
func exitWithUsageError(_ message: String) -> Never {
    let line = Array("homepage-server: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(2)
}

let flags: Flags
do {
    switch try Flags.request(from: Array(CommandLine.arguments.dropFirst())) {
    case .run(let parsed):
        flags = parsed
    case .help:
        print(Flags.helpText)
        exit(0)
    case .version:
        print(MachineInfo.version)
        exit(0)
    }
} catch {
    exitWithUsageError(error.message.split(separator: "\n").first.map(String.init) ?? "invalid arguments")
}

// Signals are blocked before any thread starts, so every thread inherits the mask and the
// main thread alone takes SIGTERM/SIGINT through sigwait: no code runs in a signal handler.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

let box: Box
do {
    box = try Box.launch(flags)
} catch {
    exitWithUsageError(error.message)
}
var received: Int32 = 0
sigwait(&stopSignals, &received)
box.logger.notice("stopping", metadata: ["signal": "\(received)"])
box.stop()
exit(0)
