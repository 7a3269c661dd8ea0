import Foundation
import Glibc
import HTTPCore
import Sandbox
import Synchronization
import TestSupport
import Testing

@testable import CertService

/// Keys and certificates shared by the end-to-end tests: making keys is the slow part, and
/// none of these is ever changed.
enum EndToEndPKI {
    static let oneDay: TimeInterval = 86_400

    /// The CA the certificate service's own TLS certificate comes from; the box trusts it
    /// through `extraCAFile`.
    static let serviceCA: CertificateAuthority = {
        let now = Date()
        return CertificateAuthority.create(
            commonName: "End-to-end service CA",
            validity: now.addingTimeInterval(-oneDay)...now.addingTimeInterval(365 * oneDay))
    }()

    /// The sandbox CA the service's issued certificates come from, in a directory of its own.
    static let sandboxCA: SandboxCertificateAuthority = {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        return try! SandboxCertificateAuthority(directory: directory.path + "/sandbox")
    }()

    /// The service's certificate for `localhost`, the name the box connects to.
    static let localhost = leaf(for: "localhost")

    /// A certificate for a name the box never asks for.
    static let otherHost = leaf(for: "other-host.test")

    static func leaf(for name: String) -> (chainPEM: [UInt8], keyPEM: [UInt8]) {
        let key = PrivateKey.generateECP256()
        let certificate = try! serviceCA.issue(
            commonName: name, dnsNames: [name], notBefore: Date().addingTimeInterval(-oneDay),
            notAfter: Date().addingTimeInterval(30 * oneDay), key: key)
        return (certificate.pem + serviceCA.certificate.pem, key.pkcs8PEM)
    }
}

/// Stands in for DNS so that no query leaves the machine: `localhost` is 127.0.0.1, and every
/// other name fails the way the C resolver reports a name that does not exist (RFC 6761 says a
/// `.invalid` name never resolves).
let endToEndLoopbackResolver = HTTPClientResolver { host throws(HTTPClientError) in
    if host == "localhost" { return ["127.0.0.1"] }
    throw .dnsFailed(host: host, detail: String(cString: gai_strerror(EAI_NONAME)))
}

/// Counts the certificate requests a checker sends (not its status updates), on their way
/// to the real transport, whether or not they arrive.
final class EndToEndCountingTransport: ProvisioningTransport {
    private let inner: any ProvisioningTransport
    private let count = Atomic<Int>(0)

    init(_ inner: any ProvisioningTransport) {
        self.inner = inner
    }

    var sent: Int { count.load(ordering: .acquiring) }

    func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse {
        if !url.hasSuffix(SandboxCertificateService.statusUpdatePath) { count.add(1, ordering: .acquiringAndReleasing) }
        return try inner.post(url: url, jsonBody: jsonBody)
    }
}

/// Counts certificate requests on their way to the wrapped handler.
final class EndToEndCountingHandler: HTTPHandler {
    private let inner: any HTTPHandler
    private let count = Atomic<Int>(0)

    init(_ inner: any HTTPHandler) {
        self.inner = inner
    }

    var provisioningRequests: Int { count.load(ordering: .acquiring) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        if request.path == SandboxCertificateService.provisioningPath {
            count.add(1, ordering: .acquiringAndReleasing)
        }
        return inner.handle(request)
    }
}

/// A certificate service that answers every certificate request with a fixed response:
/// how each deliberately broken server is built.
struct EndToEndScriptedService: HTTPHandler {
    let answer: @Sendable () -> HTTPResponse

    /// A 200 JSON answer with `json` as the body.
    static func json(_ json: String) -> EndToEndScriptedService {
        EndToEndScriptedService {
            var headers = HTTPHeaders()
            headers.add("Content-Type", "application/json")
            return HTTPResponse(status: 200, headers: headers, body: Array(json.utf8))
        }
    }

    /// A well-formed result carrying this chain and key.
    static func certificate(subject: String, chainPEM: String, keyPEM: String) -> EndToEndScriptedService {
        let result: [String: Any] = ["subject_cn": subject, "x509_pem": chainPEM, "private_key_pem": keyPEM]
        let data = try! JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": NSNull(), "result": result])
        return json(String(decoding: data, as: UTF8.self))
    }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        .response(answer())
    }
}

/// A real `HTTPServer` with one TLS listener on 127.0.0.1 and an ephemeral port.
final class EndToEndTLSServer {
    let server: HTTPServer
    let port: Int
    let holder: TLSContextHolder

    init(handler: any HTTPHandler, certificate: (chainPEM: [UInt8], keyPEM: [UInt8]) = EndToEndPKI.localhost) throws {
        var configuration = HTTPServerConfiguration()
        configuration.workers = 1
        holder = TLSContextHolder(
            try TLSServerContext(certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.keyPEM))
        server = HTTPServer(configuration: configuration)
        port = try server.listen(host: "127.0.0.1", port: 0, transport: TLSTransportFactory(holder: holder)).port
        try server.start(handler: handler)
    }

    /// The origin the box is told about: `https://localhost:PORT`.
    var origin: String { "https://localhost:\(port)" }

    var provisioningURL: String { origin + SandboxCertificateService.provisioningPath }

    func stop() {
        server.shutdown(gracePeriod: .zero)
        server.waitUntilStopped()
    }
}

/// One box under test: a temp dir with the store and the CA file, and a real checker that
/// talks to its service over TLS.
final class EndToEndCheckerBox {
    let directory: TemporaryDirectory
    let caFile: String
    let clock = ManualCertificateClock(now: Date())
    private let transports = Mutex<[EndToEndCountingTransport]>([])

    init() throws {
        directory = TemporaryDirectory(prefix: "cert-tests")
        caFile = directory.path + "/service-ca.pem"
        try Data(EndToEndPKI.serviceCA.certificate.pem).write(to: URL(fileURLWithPath: caFile))
    }

    var certificatePath: String { directory.path + "/tls/cert.pem" }
    var keyPath: String { directory.path + "/tls/key.pem" }

    func makeStore() -> CertificateStore {
        CertificateStore(certificatePath: certificatePath, keyPath: keyPath)
    }

    /// A checker with the real HTTP client (trusting the service CA unless told not to), the
    /// real store and the OpenSSL inspector; only the clock is the test's, so back-off and
    /// quick retries cost no real time.
    func makeChecker(
        provisioningURL: String, settings: CertificateSettings, trustServiceCA: Bool = true,
        store: CertificateStore? = nil, totalTimeout: Duration = .seconds(10),
        resolver: HTTPClientResolver = endToEndLoopbackResolver, dnsTimeout: Duration = .seconds(5),
        unitRandom: @escaping @Sendable () -> Double = { 0.5 },
        onCertificateStored: @escaping @Sendable (String, String) -> Void = { _, _ in }
    ) -> CertificateChecker {
        var clientConfiguration = HTTPClient.Configuration(
            extraCAFile: trustServiceCA ? caFile : nil, proxy: .direct)
        clientConfiguration.resolver = resolver
        clientConfiguration.dnsTimeout = dnsTimeout
        clientConfiguration.totalTimeout = totalTimeout
        var configuration = CertificateChecker.Configuration(provisioningURL: provisioningURL, identifier: "e2e-box")
        // 0.5 is the middle of the jitter: back-off delays are their nominal values.
        configuration.unitRandom = unitRandom
        let transport = EndToEndCountingTransport(
            HTTPClientProvisioningTransport(client: HTTPClient(configuration: clientConfiguration)))
        transports.withLock { $0.append(transport) }
        return CertificateChecker(
            configuration: configuration, store: store ?? makeStore(), inspector: OpenSSLCertificateInspector(),
            transport: transport, settings: settings, clock: clock, onCertificateStored: onCertificateStored)
    }

    /// Certificate requests sent by the checkers this box made, whether or not they arrived.
    var sentRequests: Int { transports.withLock { $0.reduce(0) { $0 + $1.sent } } }

    func remove() { directory.remove() }
}

/// What most end-to-end checks run against: the sandbox certificate service over real TLS,
/// counting the certificate requests it receives, and a box in a directory of its own. Call
/// `stop()` in a `defer`.
final class EndToEndSandboxSetup {
    let sandbox = SandboxCertificateService.endToEnd()
    let counter: EndToEndCountingHandler
    let server: EndToEndTLSServer
    let box: EndToEndCheckerBox

    /// `knobs` are set before the service starts.
    init(knobs: (inout SandboxKnobs) -> Void = { _ in }) throws {
        sandbox.updateKnobs(knobs)
        counter = EndToEndCountingHandler(sandbox)
        server = try EndToEndTLSServer(handler: counter)
        do {
            box = try EndToEndCheckerBox()
        } catch {
            server.stop()
            throw error
        }
    }

    /// Certificate requests the service received.
    var provisioningRequests: Int { counter.provisioningRequests }

    /// Settings pointing at the service with the credentials of the sandbox's `database`.
    func settings(database: String = "demo-production") throws -> CertificateSettings {
        SandboxCertificateService.settings(server, try sandbox.database(named: database))
    }

    /// The box's checker for the service: `settings`, or demo-production's credentials.
    func makeChecker(
        settings: CertificateSettings? = nil, totalTimeout: Duration = .seconds(10),
        unitRandom: @escaping @Sendable () -> Double = { 0.5 },
        onCertificateStored: @escaping @Sendable (String, String) -> Void = { _, _ in }
    ) throws -> CertificateChecker {
        box.makeChecker(
            provisioningURL: server.provisioningURL, settings: try settings ?? self.settings(),
            totalTimeout: totalTimeout, unitRandom: unitRandom, onCertificateStored: onCertificateStored)
    }

    func stop() {
        box.remove()
        server.stop()
    }
}

extension CertificateChecker {
    /// Asks for a check and waits for its result (the manual clock never ends the wait early).
    func checkAndSettle(reason: CheckReason = .checkNow, force: Bool = false) async -> CertificateStatus {
        check(reason: reason, force: force)
        return await settled()
    }

    /// The status once no run is in progress.
    func settled() async -> CertificateStatus {
        await withCheckedContinuation { continuation in
            waitForResult(upTo: .seconds(1_000_000)) { continuation.resume(returning: $0) }
        }
    }
}

extension SandboxCertificateService {
    /// A sandbox with the demo registry and the suite's shared sandbox CA.
    static func endToEnd() -> SandboxCertificateService {
        SandboxCertificateService(registry: .demo(), issuer: EndToEndPKI.sandboxCA)
    }

    func database(named name: String) throws -> SandboxDatabase {
        try #require(databases.first { $0.name == name })
    }

    /// Settings that point the box at `server` with `database`'s credentials.
    static func settings(_ server: EndToEndTLSServer, _ database: SandboxDatabase) -> CertificateSettings {
        CertificateSettings(
            serverURL: server.origin, dbUUID: database.dbUUID, enterpriseCode: database.enterpriseCode)
    }
}

/// The same file, byte for byte, as when the test began.
func endToEndFileBytes(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}
