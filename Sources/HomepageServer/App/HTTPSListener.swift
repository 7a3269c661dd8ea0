import CertService
import FoundationEssentials
import Glibc
import HTTPCore
import Logging
import Synchronization

/// The box's TLS listener, which always serves the certificate pair on disk: opened the first
/// time a usable pair is stored, then given each new pair live. New connections get the new
/// pair at once; open ones keep theirs.
final class HTTPSListener: Sendable {
    /// What the listener serves right now.
    struct Served: Sendable, Equatable {
        var port: Int
        /// The leaf's subject, which names the HTTPS address.
        var subject: String?
        /// The leaf's serial number (hex), so `/status.json` can say which certificate is served.
        var serial: String
        var notAfter: Date
    }

    private struct Open {
        var holder: TLSContextHolder
        var info: ListenerInfo
        var served: Served
    }

    private let server: HTTPServer
    private let host: String
    private let requestedPort: Int
    private let store: CertificateStore
    private let logger: Logger
    /// The lines printed when the listener opens, from what it is bound to and the subject
    /// of the certificate it serves.
    private let startLines: @Sendable (ListenerInfo, _ subject: String?) -> [String]
    private let open = Mutex<Open?>(nil)
    /// The stamps of the pair last looked at, served or refused; serialises `serveStoredPair`.
    private let lastSeenVersion = Mutex<[CertificateFileStamp]?>(nil)

    init(
        server: HTTPServer, host: String, port: Int, store: CertificateStore, logger: Logger,
        startLines: @escaping @Sendable (ListenerInfo, _ subject: String?) -> [String] = { info, _ in [info.url] }
    ) {
        self.server = server
        self.host = host
        self.requestedPort = port
        self.store = store
        self.logger = logger
        self.startLines = startLines
    }

    /// The bound port, or nil while no certificate has been installed.
    var port: Int? { open.withLock { $0?.info.port } }

    /// What is served now, or nil while the listener is closed.
    var served: Served? { open.withLock { $0?.served } }

    /// Every listener of the server, plain and TLS: the ports of the box's own origins.
    var serverListeners: [ListenerInfo] { server.listeners }

    /// Serves the pair on disk when it is not the one served already, opening the listener if
    /// needed. Costs two `stat` calls when nothing changed, so it runs after every check and on
    /// every tick. A pair that cannot be read, has expired, or that OpenSSL refuses leaves the
    /// current one in service.
    func serveStoredPair() {
        lastSeenVersion.withLock { lastSeen in
            let pair: StoredCertificatePair?
            do throws(CertificateError) {
                pair = try store.read()
            } catch {
                if lastSeen != nil { logger.error("the stored certificate cannot be read: \(error.detail)") }
                lastSeen = nil
                return
            }
            guard let pair, pair.version != lastSeen else { return }
            lastSeen = pair.version
            do throws(InstallError) {
                try install(chainPEM: Array(pair.chainPEM.utf8), keyPEM: Array(pair.keyPEM.utf8))
            } catch {
                logger.error("the stored certificate cannot be served: \(error)")
                // A port that is busy now may be free on the next try; a bad pair stays bad.
                if case .listen = error { lastSeen = nil }
            }
        }
    }

    private enum InstallError: Error, CustomStringConvertible {
        case expired(Date)
        case tls(TLSError)
        case listen(HTTPServerError)

        var description: String {
            switch self {
            case .expired(let end): "it expired on \(CertificateStatus.rfc3339(end))"
            case .tls(let error): "\(error)"
            case .listen(let error): "cannot open the HTTPS port: \(error)"
            }
        }
    }

    private func install(chainPEM: [UInt8], keyPEM: [UInt8]) throws(InstallError) {
        let context: TLSServerContext
        do {
            context = try TLSServerContext(certificateChainPEM: chainPEM, privateKeyPEM: keyPEM)
        } catch {
            throw .tls(error)
        }
        let leaf = context.certificateChain[0]
        guard leaf.notAfter > Date() else { throw .expired(leaf.notAfter) }
        // The lock is held while opening so two installs cannot open two listeners.
        let opened = try open.withLock { open throws(InstallError) -> ListenerInfo? in
            if let current = open {
                current.holder.replace(with: context)
                open?.served = Served(
                    port: current.info.port, subject: leaf.subjectCommonName, serial: leaf.serialNumberHex,
                    notAfter: leaf.notAfter)
                return nil
            }
            let holder = TLSContextHolder(context)
            let info: ListenerInfo
            do throws(HTTPServerError) {
                info = try server.listen(
                    host: host, port: requestedPort, transport: TLSTransportFactory(holder: holder))
            } catch {
                throw .listen(error)
            }
            open = Open(
                holder: holder, info: info,
                served: Served(
                    port: info.port, subject: leaf.subjectCommonName, serial: leaf.serialNumberHex,
                    notAfter: leaf.notAfter))
            return info
        }
        if let opened {
            let lines = startLines(opened, leaf.subjectCommonName)
            logger.info(
                "HTTPS listener open",
                metadata: ["url": "\(lines.joined(separator: " "))", "serial": "\(leaf.serialNumberHex)"])
            for line in lines { print(line) }
            fflush(nil)
        } else {
            logger.info(
                "HTTPS certificate replaced; new connections use it", metadata: ["serial": "\(leaf.serialNumberHex)"])
        }
    }
}
