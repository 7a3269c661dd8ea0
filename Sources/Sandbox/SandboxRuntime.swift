import FoundationEssentials
import HTTPCore

/// `--sandbox`: the built-in stand-in for Odoo's certificate service and Odoo server, on its
/// own HTTPS listener on loopback, with a certificate for `localhost` from the sandbox CA.
public final class SandboxRuntime: Sendable {
    public let service: SandboxCertificateService
    public let server: HTTPServer
    /// `https://localhost:PORT`: the Odoo server in sandbox mode.
    public let baseURL: String
    /// The sandbox CA, which the box's client trusts in sandbox mode.
    public let caFile: String

    public var provisioningURL: String { baseURL + SandboxCertificateService.provisioningPath }

    public init(dataDirectory: String) throws {
        let directory = dataDirectory + "/sandbox"
        service = try SandboxCertificateService(dataDirectory: dataDirectory)
        let authority = try SandboxCertificateAuthority(directory: directory)
        caFile = directory + "/ca.pem"
        let now = Date()
        let pair = try authority.issue(
            commonName: "localhost", dnsNames: ["localhost"], notBefore: now.addingTimeInterval(-3600),
            notAfter: now.addingTimeInterval(365 * 86_400))
        let context = try TLSServerContext(
            certificateChainPEM: Array(pair.chainPEM.utf8), privateKeyPEM: Array(pair.keyPEM.utf8))
        var configuration = HTTPServerConfiguration()
        configuration.workers = 1
        server = HTTPServer(configuration: configuration)
        let listener = try server.listen(
            host: "127.0.0.1", port: 0, transport: TLSTransportFactory(holder: TLSContextHolder(context)))
        try server.start(handler: service)
        baseURL = "https://localhost:\(listener.port)"
    }

    public func stop() {
        server.shutdown(gracePeriod: .seconds(1))
        server.waitUntilStopped()
    }
}
