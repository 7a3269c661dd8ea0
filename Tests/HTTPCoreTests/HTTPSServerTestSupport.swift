import Foundation
import HTTPCore
import Sandbox
import Synchronization

/// Routes for the HTTPS server tests: `/` a short text, `/page` a body long enough to span
/// several TLS records, `/scheme` whether the request came over TLS, anything else 404.
struct HTTPSServerTestHandler: HTTPHandler {
    /// Deterministic, so answers over different transports can be compared byte for byte.
    static let pageBody: [UInt8] = (0..<40_000).map { UInt8(ascii: "a") + UInt8($0 % 26) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        switch request.path {
        case "/":
            return .response(HTTPResponse(status: 200, contentType: "text/plain", body: "hello"))
        case "/page":
            var headers = HTTPHeaders()
            headers.set("Content-Type", "text/plain")
            return .response(HTTPResponse(status: 200, headers: headers, body: Self.pageBody))
        case "/scheme":
            return .response(
                HTTPResponse(status: 200, contentType: "text/plain", body: request.isSecure ? "https" : "http"))
        default:
            return .response(HTTPResponse(status: 404, contentType: "text/plain", body: "not found"))
        }
    }
}

/// A running `HTTPServer` with a plain listener and a TLS listener on 127.0.0.1, a test CA
/// written to a private temp directory, and a holder whose context tests may replace.
/// Call `stop()` in a `defer`: it stops the server and removes the directory.
final class HTTPSServerFixture {
    let ca: CertificateAuthority
    let directory: URL
    /// The test CA as a PEM file, for `HTTPClient`'s `extraCAFile` and `s_client -CAfile`.
    let caFile: String
    let holder: TLSContextHolder
    let server: HTTPServer
    let plainPort: Int
    let httpsPort: Int
    /// The leaf served by the context the fixture started with.
    let initialLeaf: X509Certificate

    /// `chain` overrides the served chain and key (PEM); `openTLSAfterStart` opens the TLS
    /// listener only once the server runs, as the product does when a first certificate arrives.
    init(
        workers: Int = 2, openTLSAfterStart: Bool = false,
        chain: (certificates: [UInt8], key: [UInt8])? = nil,
        configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws {
        ca = TLSTestSupport.makeCA("HTTPS Server Test CA")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "https-server-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        caFile = directory.appendingPathComponent("ca.pem").path
        var configuration = HTTPServerConfiguration()
        configuration.workers = workers
        configure(&configuration)
        server = HTTPServer(configuration: configuration)
        do {
            try Data(ca.certificate.pem).write(to: URL(fileURLWithPath: caFile))
            let context: TLSServerContext
            if let chain {
                context = try TLSServerContext(certificateChainPEM: chain.certificates, privateKeyPEM: chain.key)
            } else {
                context = try Self.issueContext(from: ca).context
            }
            initialLeaf = context.certificateChain[0]
            holder = TLSContextHolder(context)
            let factory = TLSTransportFactory(holder: holder)
            plainPort = try server.listen(host: "127.0.0.1", port: 0).port
            if openTLSAfterStart {
                try server.start(handler: HTTPSServerTestHandler())
                httpsPort = try server.listen(host: "127.0.0.1", port: 0, transport: factory).port
            } else {
                httpsPort = try server.listen(host: "127.0.0.1", port: 0, transport: factory).port
                try server.start(handler: HTTPSServerTestHandler())
            }
        } catch {
            server.shutdown(gracePeriod: .zero)
            server.waitUntilStopped()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    func stop() {
        server.shutdown(gracePeriod: .milliseconds(500))
        server.waitUntilStopped()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A fresh context for `localhost` from the fixture's CA, with its leaf.
    func issueContext() throws -> (context: TLSServerContext, leaf: X509Certificate) {
        try Self.issueContext(from: ca)
    }

    private static func issueContext(from ca: CertificateAuthority) throws -> (
        context: TLSServerContext, leaf: X509Certificate
    ) {
        let leaf = try TLSTestSupport.makeLeaf(ca, names: ["localhost"])
        let context = try TLSServerContext(
            certificateChainPEM: leaf.certificate.pem, privateKeyPEM: leaf.key.pkcs8PEM)
        return (context, leaf.certificate)
    }

    /// A verifying client that trusts `caFile` (the fixture's CA unless given) and reaches
    /// `localhost` on 127.0.0.1 only, whatever the system resolver would say.
    func client(caFile: String? = nil) -> HTTPClient {
        var configuration = HTTPClient.Configuration(extraCAFile: caFile ?? self.caFile, proxy: .direct)
        configuration.totalTimeout = .seconds(20)
        configuration.resolver = HTTPClientResolver { _ in ["127.0.0.1"] }
        return HTTPClient(configuration: configuration)
    }

    /// One request over a new TLS connection.
    func httpsGet(_ path: String, caFile: String? = nil) throws -> HTTPClientResponse {
        try client(caFile: caFile).send(HTTPClientRequest(url: "https://localhost:\(httpsPort)\(path)"))
    }

    /// One request over a new plain connection.
    func plainGet(_ path: String) throws -> HTTPClientResponse {
        try client().send(HTTPClientRequest(url: "http://127.0.0.1:\(plainPort)\(path)"))
    }

    /// The chain a new TLS connection is shown, leaf first.
    func servedChain() throws -> [X509Certificate] {
        let output = try HTTPSServerOpenSSL.sClient(
            port: httpsPort, arguments: ["-showcerts", "-servername", "localhost"], input: nil)
        return try X509Certificate.parseChain(pem: Array(output.standardOutput.utf8))
    }
}

/// Runs the `openssl` command-line tool for the HTTPS tests.
enum HTTPSServerOpenSSL {
    enum Failure: Error, CustomStringConvertible {
        case commandFailed(arguments: [String], status: Int32, standardError: String)

        var description: String {
            switch self {
            case .commandFailed(let arguments, let status, let standardError):
                return "openssl \(arguments.joined(separator: " ")) exited \(status): \(standardError)"
            }
        }
    }

    /// Connects `openssl s_client` to 127.0.0.1:`port`, writes `input` (or nothing) and
    /// returns what it printed once it ends. A child still running after 30 s is terminated,
    /// so a server that never closes fails the test instead of hanging it.
    static func sClient(port: Int, arguments: [String], input: [UInt8]?) throws -> TLSTestSupport.ProcessOutput {
        try run(["s_client", "-connect", "127.0.0.1:\(port)"] + arguments, input: input)
    }

    /// Runs `openssl` with `arguments` and fails unless it exits 0.
    @discardableResult
    static func runChecked(_ arguments: [String]) throws -> TLSTestSupport.ProcessOutput {
        let output = try run(arguments, input: nil)
        guard output.status == 0 else {
            throw Failure.commandFailed(
                arguments: arguments, status: output.status, standardError: output.standardError)
        }
        return output
    }

    static func run(_ arguments: [String], input: [UInt8]?) throws -> TLSTestSupport.ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        let watchdog = DispatchWorkItem { [process] in
            if process.isRunning { process.terminate() }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        defer { watchdog.cancel() }

        let reader = DispatchGroup()
        let collected = HTTPSServerCollectedOutput()
        DispatchQueue.global().async(group: reader) {
            collected.setError(errorPipe.fileHandleForReading.readDataToEndOfFile())
        }
        DispatchQueue.global().async(group: reader) {
            collected.setOutput(outputPipe.fileHandleForReading.readDataToEndOfFile())
        }
        if let input {
            // s_client may already have ended (a refused handshake); a closed pipe is then expected.
            try? inputPipe.fileHandleForWriting.write(contentsOf: Data(input))
            try? inputPipe.fileHandleForWriting.close()
        }
        reader.wait()
        process.waitUntilExit()
        return TLSTestSupport.ProcessOutput(
            status: process.terminationStatus, standardOutput: String(decoding: collected.output, as: UTF8.self),
            standardError: String(decoding: collected.error, as: UTF8.self))
    }

    /// Makes a root CA, an intermediate CA and a leaf for localhost/127.0.0.1 in `directory`
    /// with the command-line tool, as an operator's real chain would be. Returns the root's
    /// file, the chain to serve (leaf then intermediate) and the leaf's key.
    static func makeThreeLevelChain(in directory: URL) throws -> (
        rootFile: String, chainPEM: [UInt8], keyPEM: [UInt8], intermediate: X509Certificate
    ) {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try runChecked(
            ["req", "-x509"] + curve + [
                "-keyout", path("root.key"), "-out", path("root.pem"), "-subj", "/CN=HTTPS Test Root",
                "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try Data("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n".utf8)
            .write(to: URL(fileURLWithPath: path("intermediate.ext")))
        try Data(
            ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n").utf8
        ).write(to: URL(fileURLWithPath: path("leaf.ext")))
        try runChecked(
            ["req"] + curve + [
                "-keyout", path("intermediate.key"), "-out", path("intermediate.csr"),
                "-subj", "/CN=HTTPS Test Intermediate",
            ])
        try runChecked([
            "x509", "-req", "-in", path("intermediate.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"),
            "-set_serial", "2", "-days", "2", "-extfile", path("intermediate.ext"), "-out", path("intermediate.pem"),
        ])
        try runChecked(
            ["req"] + curve + ["-keyout", path("leaf.key"), "-out", path("leaf.csr"), "-subj", "/CN=localhost"])
        try runChecked([
            "x509", "-req", "-in", path("leaf.csr"), "-CA", path("intermediate.pem"),
            "-CAkey", path("intermediate.key"), "-set_serial", "3", "-days", "2", "-extfile", path("leaf.ext"),
            "-out", path("leaf.pem"),
        ])
        let leaf = try Data(contentsOf: URL(fileURLWithPath: path("leaf.pem")))
        let intermediate = try Data(contentsOf: URL(fileURLWithPath: path("intermediate.pem")))
        let key = try Data(contentsOf: URL(fileURLWithPath: path("leaf.key")))
        return (path("root.pem"), Array(leaf + intermediate), Array(key), try X509Certificate(pem: Array(intermediate)))
    }
}

/// What a child process printed, filled by two reader threads.
private final class HTTPSServerCollectedOutput: Sendable {
    private let outputData = Mutex(Data())
    private let errorData = Mutex(Data())

    func setOutput(_ data: Data) { outputData.withLock { $0 = data } }
    func setError(_ data: Data) { errorData.withLock { $0 = data } }
    var output: Data { outputData.withLock { $0 } }
    var error: Data { errorData.withLock { $0 } }
}
