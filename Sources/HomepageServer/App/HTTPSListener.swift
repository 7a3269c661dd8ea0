import Foundation
import HTTPCore
import Logging
import Synchronization

/// The box's TLS listener: opened the first time a usable certificate exists, then given each
/// renewed pair live. New connections get the new pair at once; open ones keep theirs.
final class HTTPSListener: Sendable {
    private struct Open {
        var holder: TLSContextHolder
        var info: ListenerInfo
        /// The subject of the certificate now served, which names the HTTPS address.
        var subject: String?
    }

    private let server: HTTPServer
    private let host: String
    private let requestedPort: Int
    private let logger: Logger
    private let open = Mutex<Open?>(nil)

    init(server: HTTPServer, host: String, port: Int, logger: Logger) {
        self.server = server
        self.host = host
        self.requestedPort = port
        self.logger = logger
    }

    /// The bound port, or nil while no certificate has been installed.
    var port: Int? { open.withLock { $0?.info.port } }

    /// Port and certificate subject of what is served now, read together.
    var served: (port: Int, subject: String?)? { open.withLock { $0.map { ($0.info.port, $0.subject) } } }

    /// Serves `chainPEM`/`keyPEM` from now on, opening the listener if needed. A pair that
    /// OpenSSL refuses leaves the current one in service.
    func install(chainPEM: [UInt8], keyPEM: [UInt8]) throws {
        let context = try TLSServerContext(certificateChainPEM: chainPEM, privateKeyPEM: keyPEM)
        let subject = context.certificateChain.first?.subjectCommonName
        // The lock is held while opening so two installs cannot open two listeners.
        let opened = try open.withLock { open throws -> ListenerInfo? in
            if let current = open {
                current.holder.replace(with: context)
                open?.subject = subject
                return nil
            }
            let holder = TLSContextHolder(context)
            let info = try server.listen(
                host: host, port: requestedPort, transport: TLSTransportFactory(holder: holder))
            open = Open(holder: holder, info: info, subject: subject)
            return info
        }
        if let opened {
            logger.info("HTTPS listener open", metadata: ["url": "\(opened.url)"])
            print(opened.url)
            fflush(nil)
        } else {
            logger.info("HTTPS certificate replaced; new connections use it")
        }
    }
}
