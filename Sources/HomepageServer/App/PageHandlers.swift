import BoxConfig
import CertService
import FoundationEssentials
import HTTPCore
import Sandbox
import SystemKit
import Views

/// The GET pages. Pages that show the certificate trigger a check and, while one runs, wait
/// for it at most `WebRoutes.pageWait` — off the loop, through a deferred answer.
struct PageHandlers: Sendable {
    let app: HomepageApp

    func homepage(_ request: HTTPRequest) -> HTTPHandlerResult {
        app.checker.check(reason: .homepageVisit)
        // The page needs only this of the request: the closure, which may wait for a check,
        // would otherwise hold a copy of the whole request.
        let isSecure = request.isSecure
        return afterCheck(request) { flash in
            let status = app.checker.status
            let machine = app.machine
            let address = HomepageApp.httpsAddress(ipAddress: machine.ipAddress, served: app.https.served)
            let httpsURL = address?.url
            // Over HTTP the page's script asks the HTTPS address whether this device reaches it.
            let reachability =
                isSecure
                ? nil
                : address.map {
                    ReachabilityCheckModel(httpsURL: $0.url, pingURL: $0.pingURL)
                }
            let dnsCheck = app.dns.report.map { report in
                DNSCheckModel(
                    state: report.state.rawValue, name: report.name, addresses: report.addresses,
                    expectedAddress: machine.ipAddress,
                    checkedAt: CertificatePresentation.displayDate(report.checkedAt, seconds: true))
            }
            let model = HomepageModel(
                identifier: machine.identifier, ipAddress: machine.ipAddress, macAddress: machine.macAddress,
                version: machine.version, serverURL: app.serverURL, httpsURL: httpsURL,
                certificate: CertificatePresentation.banner(status), errorBox: CertificatePresentation.errorBox(status),
                isChecking: status.state == .checking, flash: flashModel(flash), sandbox: sandboxModel(),
                isSecure: isSecure, dnsCheck: dnsCheck, reachability: reachability)
            return (HomepageView.render(model), isSecure ? nil : address?.reachabilityPolicy)
        }
    }

    func settings(_ request: HTTPRequest) -> HTTPHandlerResult {
        // The page's forms belong to the browser's session, begun here when it has none.
        let (session, setCookie) = app.csrf.pageSession(for: request)
        let token = app.csrf.token(for: session)
        return afterCheck(request, setCookie: setCookie) { flash in
            let status = app.checker.status
            let config = app.settings.current
            let model = SettingsModel(
                certificate: CertificatePresentation.banner(status),
                errorBox: CertificatePresentation.errorBox(status),
                serverURL: app.serverURL, dbUUID: config[.dbUUID],
                storedEnterpriseCode: config[.enterpriseCode], logLevel: app.logLevel.name.rawValue,
                logLevels: BoxLogLevel.names,
                fieldErrors: flash?.fieldErrors ?? [:], enteredValues: flash?.enteredValues ?? [:],
                flash: flashModel(flash), csrfToken: token, isChecking: status.state == .checking)
            return (SettingsView.render(model), nil)
        }
    }

    func logs(_ request: HTTPRequest) -> HTTPHandlerResult {
        let body = LogsView.render(LogsModel(lines: app.logSink.recentLines(), level: app.logLevel.name.rawValue))
        return .response(Self.page(body, noStore: true))
    }

    /// The whole log, rotated files first, streamed from the files.
    func logDownload(_ request: HTTPRequest) -> HTTPHandlerResult {
        .response(LogDownload.response(logPath: app.logSink.path, fileName: "homepage.log"))
    }

    func statusJSON(_ request: HTTPRequest) -> HTTPHandlerResult {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("Cache-Control", "no-store")
        headers.add("X-Content-Type-Options", "nosniff")
        return .response(HTTPResponse(status: 200, headers: headers, body: StatusDocument.render(app: app)))
    }

    // MARK: - Helpers

    /// Renders once the running check ends (at most `pageWait`), taking the request's flash.
    /// `render` gives the page and the security policy that replaces the pages' usual one, if
    /// any.
    private func afterCheck(
        _ request: HTTPRequest, setCookie: String? = nil,
        render: @escaping @Sendable (Flash?) -> (body: [UInt8], contentSecurityPolicy: String?)
    ) -> HTTPHandlerResult {
        // The cookie is read once: for the message it names, and to clear it.
        let flashCookie = FlashStore.cookieValue(in: request)
        let flash = flashCookie.flatMap { app.flashes.take(id: $0) }
        let hadFlashCookie = flashCookie != nil
        let respond: @Sendable () -> HTTPResponse = {
            let rendered = render(flash)
            var response = Self.page(
                rendered.body, noStore: true, contentSecurityPolicy: rendered.contentSecurityPolicy)
            if hadFlashCookie { response.headers.add("Set-Cookie", FlashStore.clearingCookie) }
            if let setCookie { response.headers.add("Set-Cookie", setCookie) }
            return response
        }
        guard app.checker.isChecking else { return .response(respond()) }
        return .deferred { deliver in
            app.checker.waitForResult(upTo: WebRoutes.pageWait) { _ in deliver(respond()) }
        }
    }

    private func flashModel(_ flash: Flash?) -> FlashMessageModel? {
        if let problem = app.settings.damage { return .failure(problem) }
        guard let flash else { return nil }
        return flash.succeeded ? .success(flash.message) : .failure(flash.message)
    }

    private func sandboxModel() -> SandboxModel? {
        guard let sandbox = app.sandbox else { return nil }
        let databases = sandbox.service.databases.map { database in
            SandboxModel.Database(
                name: database.name, dbUUID: database.dbUUID, enterpriseCode: database.enterpriseCode,
                kind: database.kind.rawValue, subscription: database.subscription,
                hasIoTBoxLine: database.iotBoxLine,
                outcome: database.refusalReason.map { "Refused: \($0)" } ?? "Gets a certificate")
        }
        return SandboxModel(caURL: SandboxCertificateService.caPath, databases: databases)
    }

    /// `contentSecurityPolicy` replaces the pages' usual policy.
    static func page(
        _ body: [UInt8], status: Int = 200, noStore: Bool, contentSecurityPolicy: String? = nil
    ) -> HTTPResponse {
        // Content-Type, the security headers, and a policy or cookies a page may add.
        var headers = HTTPHeaders(minimumCapacity: 10)
        headers.add("Content-Type", "text/html; charset=utf-8")
        SecurityHeaders.add(
            to: &headers, noStore: noStore,
            contentSecurityPolicy: contentSecurityPolicy ?? SecurityHeaders.contentSecurityPolicy)
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    static func errorPage(_ status: Int, _ title: String, _ message: String) -> HTTPResponse {
        page(
            ErrorPageView.render(ErrorPageModel(status: status, title: title, message: message)), status: status,
            noStore: true)
    }
}
