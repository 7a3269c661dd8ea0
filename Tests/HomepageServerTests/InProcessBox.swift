import CertService
import Dispatch
import Foundation
import HTTPCore
import Logging
import Synchronization
import TestSupport
import Testing

@testable import HomepageServer

/// A value a test changes while the box reads it from other threads.
final class InProcessValue<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    init(_ value: Value) {
        state = Mutex(value)
    }

    var value: Value {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

/// A certificate service stand-in that answers every request with one fixed status and counts
/// the requests, for route tests that must see a check happen (or not).
final class InProcessProvisioning: ProvisioningTransport {
    private let answer: ProvisioningResponse
    private let count = Mutex(0)

    init(status: Int = 404) {
        answer = ProvisioningResponse(status: status, body: Array("not here".utf8))
    }

    var requestCount: Int { count.withLock { $0 } }

    func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse {
        count.withLock { $0 += 1 }
        return answer
    }
}

/// The box's routes built in this process around a temporary data dir and a fake certificate
/// service: requests go straight to the handler, no socket and no executable.
final class InProcessBox {
    let scratch = TemporaryDirectory()
    let provisioning: InProcessProvisioning
    let app: HomepageApp
    let handler: any HTTPHandler
    /// Never started: it only holds the listeners a test opens (the HTTPS one among them).
    let server = HTTPServer(configuration: HTTPServerConfiguration())
    /// What the box reads as its machine facts; a test changes it to move the box.
    let machineFacts = InProcessValue(InProcessBox.machine)
    /// What the DNS check's resolver answers.
    let resolution = InProcessValue(NameResolution.notFound("Name or service not known"))
    static let machine = MachineInfo(
        identifier: "box-under-test", hostName: "box-under-test", ipAddress: "192.168.1.10",
        macAddress: "02:00:00:00:00:01", allAddresses: ["127.0.0.1", "192.168.1.10", "::1"])

    init(odooConf: String? = nil, provisioningStatus: Int = 404) throws {
        let data = scratch.path
        if let odooConf { scratch.write("odoo.conf", odooConf) }
        provisioning = InProcessProvisioning(status: provisioningStatus)
        let store = CertificateStore(dataDirectory: data)
        let settings = BoxSettings(path: data + "/odoo.conf")
        let config = settings.current
        let checker = CertificateChecker(
            configuration: .init(provisioningURL: "https://provisioning.invalid/x509", identifier: "box-under-test"),
            store: store, inspector: OpenSSLCertificateInspector(), transport: provisioning,
            settings: CertificateSettings(
                serverURL: config[.remoteServer], dbUUID: config[.dbUUID], enterpriseCode: config[.enterpriseCode]),
            logger: Logger(label: "cert"))
        let logger = Logger(label: "homepage")
        let facts = machineFacts
        let resolution = self.resolution
        app = HomepageApp(
            settings: settings, machine: MachineWatcher(read: { facts.value }),
            dns: DNSCheck(timeout: .seconds(2), resolve: { _ in resolution.value }),
            csrf: CSRFProtection(key: Array(repeating: 7, count: 32)),
            logSink: try LogFileSink(directory: data + "/logs"), logLevel: SharedLogLevel(.warning), checker: checker,
            https: HTTPSListener(
                server: server, host: "127.0.0.1", port: 0, store: store,
                logger: logger),
            sandbox: nil, bindAddress: "0.0.0.0", publicDirectory: data)
        handler = WebRoutes.makeHandler(app: app)
    }

    deinit {
        server.shutdown(gracePeriod: .zero)
        server.waitUntilStopped()
    }

    var odooConfText: String { scratch.read("odoo.conf") ?? "" }

    /// Sends a request to the routes and waits for the answer, deferred ones included.
    func send(
        _ method: String, _ target: String, host: String? = "192.168.1.10:8069", headers extra: [(String, String)] = [],
        body: [UInt8] = []
    ) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let host { headers.add("Host", host) }
        for (name, value) in extra { headers.add(name, value) }
        let path = String(target.prefix { $0 != "?" })
        return handle(HTTPRequest(method: method, target: target, path: path, headers: headers, body: body))
    }

    /// Hands a request built by the test to the routes and waits for the answer.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch handler.handle(request) {
        case .response(let response):
            return response
        case .deferred(let work):
            let answer = Mutex<HTTPResponse?>(nil)
            let done = DispatchSemaphore(value: 0)
            work { response in
                answer.withLock { $0 = response }
                done.signal()
            }
            done.wait()
            return answer.withLock { $0! }
        case .closeConnection:
            return HTTPResponse(status: 0)
        }
    }

    func get(_ target: String, host: String? = "192.168.1.10:8069", cookie: String? = nil) -> HTTPResponse {
        send("GET", target, host: host, headers: cookie.map { [("Cookie", $0)] } ?? [])
    }

    /// Posts a urlencoded form as a browser would after showing the settings page: with a
    /// session cookie and its CSRF token, unless `csrf` says otherwise.
    func submit(_ path: String, _ fields: [(String, String)], csrf: String? = nil) -> HTTPResponse {
        let session = app.csrf.newSession()
        let token = csrf ?? app.csrf.token(for: session)
        let body = (fields + [("csrf_token", token)]).map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
            .joined(separator: "&")
        return send(
            "POST", path,
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", "\(CSRFProtection.cookieName(secure: false))=\(session.value)"),
            ], body: Array(body.utf8))
    }

    func status(host: String = "192.168.1.10:8069") throws -> [String: Any] {
        let response = get("/status.json", host: host)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// Waits for the checker's current run to end (the routes start checks on its queue).
    func waitForCheck() {
        let done = DispatchSemaphore(value: 0)
        app.checker.waitForResult(upTo: .seconds(10)) { _ in done.signal() }
        done.wait()
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    /// The `box_flash=…` pair a form answer sets.
    static func flashCookie(_ response: HTTPResponse) -> String? {
        response.headers.values(for: "Set-Cookie").first { $0.hasPrefix("box_flash=") }
            .map { String($0.split(separator: ";")[0]) }
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
