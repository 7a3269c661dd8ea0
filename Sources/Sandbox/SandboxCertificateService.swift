import Dispatch
import FoundationEssentials
import HTTPCore
import Synchronization

/// A local stand-in for Odoo's certificate service and for the Odoo server's status route.
///
/// Routes: `POST /odoo-enterprise/iot/x509` (the JSON-RPC call), `POST
/// /iot/box/update_certificate_status` (recorded), `GET /sandbox/ca.pem`. A refused request
/// gets 200 with `result.error` in words, which is what the product must show as
/// `ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT`.
public final class SandboxCertificateService: HTTPHandler {
    public static let provisioningPath = "/odoo-enterprise/iot/x509"
    public static let statusUpdatePath = "/iot/box/update_certificate_status"
    public static let caPath = "/sandbox/ca.pem"

    /// One `update_certificate_status` call as received.
    public struct StatusUpdate: Sendable, Equatable {
        public var identifier: String?
        public var certificateEndDate: String?
    }

    private let registry: Mutex<SandboxRegistry>
    private let issuer: any SandboxCertificateIssuing
    private let knobState = Mutex(SandboxKnobs())
    private let updates = Mutex<[StatusUpdate]>([])
    private let now: @Sendable () -> Date
    /// `knobs.json` beside the registry: when present it replaces the knobs set in code.
    private let knobsFile: String?

    public init(
        registry: SandboxRegistry, issuer: any SandboxCertificateIssuing,
        now: @escaping @Sendable () -> Date = { Date() }, knobsFile: String? = nil
    ) {
        self.knobsFile = knobsFile
        self.registry = Mutex(registry)
        self.issuer = issuer
        self.now = now
    }

    /// The registry at `DATA/sandbox/registry.json` and the CA in `DATA/sandbox/`, created if missing.
    public convenience init(dataDirectory: String) throws {
        let directory = dataDirectory + "/sandbox"
        let issuer = try SandboxCertificateAuthority(directory: directory)
        let registry = try SandboxRegistry.loadOrCreate(path: directory + "/registry.json")
        self.init(registry: registry, issuer: issuer, knobsFile: directory + "/knobs.json")
    }

    /// The knobs in force: those of `knobs.json` when that file exists, else those set in code.
    public var knobs: SandboxKnobs {
        if let knobsFile, let fromFile = SandboxKnobs.load(path: knobsFile) { return fromFile }
        return knobState.withLock { $0 }
    }

    public func updateKnobs(_ change: (inout SandboxKnobs) -> Void) { knobState.withLock { change(&$0) } }

    public var databases: [SandboxDatabase] { registry.withLock { $0.databases } }

    public var caCertificatePEM: String { issuer.caCertificatePEM }

    /// Every status update received so far, oldest first.
    public var statusUpdates: [StatusUpdate] { updates.withLock { $0 } }

    public func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        let response: HTTPResponse
        switch (request.method, request.path) {
        case ("POST", Self.provisioningPath):
            let knobs = self.knobs
            if knobs.dropConnection { return .closeConnection }
            response = provisioningResponse(request, knobs: knobs)
            if let delay = knobs.delay {
                return .deferred { respond in
                    DispatchQueue.global().asyncAfter(deadline: .now() + delay.timeInterval) { respond(response) }
                }
            }
        case ("POST", Self.statusUpdatePath):
            response = recordStatusUpdate(request)
        case ("GET", Self.caPath), ("HEAD", Self.caPath):
            response = HTTPResponse(status: 200, contentType: "application/x-pem-file", body: caCertificatePEM)
        default:
            response = HTTPResponse(status: 404, contentType: "text/plain; charset=utf-8", body: "not found\n")
        }
        return .response(response)
    }

    private func provisioningResponse(_ request: HTTPRequest, knobs: SandboxKnobs) -> HTTPResponse {
        if let status = knobs.forcedStatus {
            var response = HTTPResponse(
                status: status, contentType: "text/html; charset=utf-8",
                body: "<html><body><h1>\(status) \(HTTPStatus.reasonPhrase(for: status))</h1></body></html>")
            if let retryAfter = knobs.retryAfter { response.headers.add("Retry-After", retryAfter) }
            return response
        }
        if knobs.answerGarbage {
            return HTTPResponse(status: 200, contentType: "text/html", body: "<html>down for maintenance</html>")
        }
        guard let params = Self.params(of: request.body) else {
            return Self.json(["jsonrpc": "2.0", "id": nil, "error": ["code": -32700, "message": "Parse error"]])
        }
        let uuid = params["db_uuid"]?.stringValue ?? ""
        let code = params["enterprise_code"]?.stringValue ?? ""
        guard let database = registry.withLock({ $0.database(uuid: uuid) }) else {
            return Self.refusal("database \(uuid) is unknown to the certificate service")
        }
        guard database.enterpriseCode == code else {
            return Self.refusal("the enterprise code does not match database \(database.name)")
        }
        if let reason = database.refusalReason { return Self.refusal(reason) }
        let domain = "\(database.subdomain).odoo-iot.com"
        let start = now().addingTimeInterval(-60)
        let end = now().addingTimeInterval(knobs.validity.timeInterval)
        do {
            let issued = try issuer.issue(
                commonName: "*." + domain, dnsNames: ["*." + domain, domain], notBefore: start, notAfter: end)
            return Self.json([
                "jsonrpc": "2.0", "id": nil,
                "result": [
                    "subject_cn": JSONValue("*." + domain), "x509_pem": JSONValue(issued.chainPEM),
                    "private_key_pem": JSONValue(issued.keyPEM),
                ],
            ])
        } catch {
            return HTTPResponse(status: 500, contentType: "text/plain; charset=utf-8", body: "\(error.reason)\n")
        }
    }

    private func recordStatusUpdate(_ request: HTTPRequest) -> HTTPResponse {
        let params = Self.params(of: request.body)
        updates.withLock {
            $0.append(
                StatusUpdate(
                    identifier: params?["identifier"]?.stringValue,
                    certificateEndDate: params?["ssl_certificate_end_date"]?.stringValue))
        }
        return Self.json(["jsonrpc": "2.0", "id": nil, "result": true])
    }

    private static func params(of body: [UInt8]) -> [String: JSONValue]? {
        (try? JSONValue(parsing: body))?["params"]?.objectValue
    }

    private static func refusal(_ reason: String) -> HTTPResponse {
        json(["jsonrpc": "2.0", "id": nil, "result": ["error": JSONValue(reason)]])
    }

    private static func json(_ document: JSONValue) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        return HTTPResponse(status: 200, headers: headers, body: document.serialized())
    }
}
