import CertService
import Dispatch
import HTTPCore
import Sandbox
import Views

/// The box's routes (CONTRACT §4), read like a table. Every request first passes the Host
/// check; every POST carries a form with the CSRF token. Forms answer 303 back to their page.
enum WebRoutes {
    /// The longest a page waits for a running certificate check before it says "checking".
    static let pageWait: Duration = .seconds(2)

    static func makeHandler(app: HomepageApp) -> any HTTPHandler {
        let files = StaticFileHandler(root: app.publicDirectory, urlPrefix: "/static/")
        let pages = PageHandlers(app: app)
        let forms = FormHandlers(app: app)
        var router = Router()
        router.get("/") { pages.homepage($0) }
        router.get("/settings") { pages.settings($0) }
        router.post("/settings/server") { forms.handle($0, forms.saveServer) }
        router.post("/settings/credential") { forms.handle($0, forms.saveCredential) }
        router.post("/settings/credential/clear") { forms.handle($0, forms.clearCredential) }
        router.post("/settings/log-level") { forms.handle($0, forms.saveLogLevel) }
        router.post("/certificate/check") { forms.handle($0, forms.checkNow) }
        router.get("/logs") { pages.logs($0) }
        router.get("/logs/download") { pages.logDownload($0) }
        router.get("/status.json") { pages.statusJSON($0) }
        IoTDriverRoutes(app: app, forms: forms, callers: IoTDriverCallers(app: app)).register(in: &router)
        router.get(prefix: "/static/") { .response(files.handle($0)) }
        if let sandbox = app.sandbox {
            router.get(SandboxCertificateService.caPath) { _ in
                var response = HTTPResponse(
                    status: 200, contentType: "application/x-pem-file", body: sandbox.service.caCertificatePEM)
                response.headers.add("Content-Disposition", "attachment; filename=\"iot-box-sandbox-ca.pem\"")
                return .response(response)
            }
        }
        router.notFoundHandler = { _ in
            .response(PageHandlers.errorPage(404, "Page not found", "There is no page at this address."))
        }
        return HostGuard(app: app, next: router)
    }
}

/// Refuses any request whose Host does not name the box: a DNS-rebinding page reaches the box
/// under its own name, and is turned away here before any route runs.
struct HostGuard: HTTPHandler {
    let app: HomepageApp
    let next: Router

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        // The parser took the authority once: an absolute-form target's wins over the Host
        // header (RFC 9112 §3.2.2), so that form cannot slip another name past this check.
        // HTTP/1.0 may leave out Host (RFC 9112 §3.2): such a request names no other host, so
        // it is served as the box's own address; the parser leaves `authority` nil only then.
        // No browser does this, so it opens nothing to a DNS-rebinding page.
        let namesNoHost = request.authority == nil && request.version == .http1_0
        guard namesNoHost || app.allowsHost(request.authority) else {
            return .response(
                PageHandlers.errorPage(
                    421, "Misdirected request",
                    "This box answers only to its own addresses. Open it by its IP address or its odoo-iot.com name."))
        }
        return next.handle(request)
    }
}

/// Runs `work` off the event loop and answers with its result: for file reads larger than a
/// small static file.
func offLoop(_ work: @escaping @Sendable () -> HTTPResponse) -> HTTPHandlerResult {
    .deferred { respond in
        DispatchQueue.global().async { respond(work()) }
    }
}
