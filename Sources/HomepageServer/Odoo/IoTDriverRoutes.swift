import BoxConfig
import CertService
import FoundationEssentials
import Glibc
import HTTPCore
import SystemKit

/// Odoo's own box routes (CONTRACT §10), with the names, methods and JSON shapes of Odoo's
/// `iot_drivers` controllers. The calls that change something run the settings forms' own
/// actions (`FormHandlers`): the same validation, storage, logging and messages.
/// Who may call them: `IoTDriverCallers`.
struct IoTDriverRoutes: Sendable {
    let app: HomepageApp
    let forms: FormHandlers
    let callers: IoTDriverCallers
    /// When the routes were built, at launch: what Odoo calls the Odoo service's uptime.
    let startedAt: ContinuousClock.Instant

    /// The logger names `log_levels_update` accepts; the box has one level, which both set.
    static let loggerNames: Set<String> = ["iot-logging-root", "iot-logging-odoo"]

    init(app: HomepageApp, forms: FormHandlers, callers: IoTDriverCallers) {
        self.app = app
        self.forms = forms
        self.callers = callers
        startedAt = .now
    }

    func register(in router: inout Router) {
        let routes = self
        router.get("/hw_proxy/hello") { _ in .response(IoTDriverResponses.open(IoTDriverResponses.text("ping"))) }
        router.get("/iot_drivers/ping") { _ in
            .response(IoTDriverResponses.open(IoTDriverResponses.json(["status": "success", "message": "pong"])))
        }
        for path in ["/hw_proxy/hello", "/iot_drivers/ping"] {
            router.add(method: "OPTIONS", path: path) { .response(routes.callers.openPreflight($0)) }
        }

        let reads: [(String, @Sendable (HTTPRequest) -> HTTPHandlerResult)] = [
            ("/iot_drivers/data", { routes.data($0) }),
            ("/iot_drivers/iot_logs", { routes.iotLogs($0) }),
            ("/iot_drivers/download_logs", { routes.downloadLogs($0) }),
            ("/iot_drivers/log_levels", { routes.logLevels($0) }),
            ("/iot_drivers/check_certificate", { routes.checkCertificate($0) }),
        ]
        for (path, handler) in reads {
            router.get(path) { routes.guarded($0, changesState: false, handler) }
            router.add(method: "OPTIONS", path: path) { .response(routes.callers.preflight($0, methods: ["GET"])) }
        }

        let calls: [(String, @Sendable (HTTPRequest) -> HTTPHandlerResult)] = [
            ("/iot_drivers/save_credential", { routes.saveCredential($0) }),
            ("/iot_drivers/clear_credential", { routes.clearCredentialCall($0) }),
            ("/iot_drivers/log_levels_update", { routes.updateLogLevel($0) }),
        ]
        for (path, handler) in calls {
            router.post(path) { routes.guarded($0, changesState: true, handler) }
        }
        // Odoo's clear_credential is a plain HTTP route, so its page may also GET it.
        router.get("/iot_drivers/clear_credential") {
            routes.guarded($0, changesState: true) { _ in routes.clearCredentialGet() }
        }
        // The router would answer HEAD with the GET handler: a HEAD must not clear anything.
        router.add(method: "HEAD", path: "/iot_drivers/clear_credential") { _ in
            var headers = HTTPHeaders()
            headers.add("Allow", "GET, OPTIONS, POST")
            return .response(HTTPResponse(status: 405, headers: headers))
        }
        router.add(method: "OPTIONS", path: "/iot_drivers/save_credential") {
            .response(routes.callers.preflight($0, methods: ["POST"]))
        }
        router.add(method: "OPTIONS", path: "/iot_drivers/log_levels_update") {
            .response(routes.callers.preflight($0, methods: ["POST"]))
        }
        router.add(method: "OPTIONS", path: "/iot_drivers/clear_credential") {
            .response(routes.callers.preflight($0, methods: ["GET", "POST"], headServed: false))
        }
    }

    /// Runs `handler` only for an allowed caller, and lets that caller's page read the answer.
    func guarded(
        _ request: HTTPRequest, changesState: Bool, _ handler: (HTTPRequest) -> HTTPHandlerResult
    ) -> HTTPHandlerResult {
        switch callers.verdict(for: request, changesState: changesState) {
        case .refused(let reason):
            app.logger.warning(
                "iot_drivers call refused: \(reason)",
                metadata: ["path": "\(request.path)", "method": "\(request.method)"])
            return .response(IoTDriverResponses.forbidden("Refused: \(reason). Nothing was read or changed."))
        case .allowed(let origin):
            return IoTDriverResponses.withCORS(handler(request), origin: origin)
        }
    }

    // MARK: - Reads

    func data(_ request: HTTPRequest) -> HTTPHandlerResult {
        let config = app.settings.current
        let status = app.checker.status
        let endDate = JSONValue(
            status.hasUsableCertificate ? status.notAfter.map(ProvisioningProtocol.odooDateTime) : nil)
        let interfaces = InterfaceTable.read().ipv4.filter { !$0.isLoopback }.map { entry -> JSONValue in
            [
                "id": JSONValue(entry.interface), "ip": JSONValue(entry.address),
                "is_wifi": .bool(Self.isWireless(entry.interface)), "ssid": nil,
            ]
        }
        // Never the enterprise code: any page the database shows could otherwise read it.
        let document: JSONValue = [
            "identifier": JSONValue(app.machine.identifier),
            "ip": JSONValue(app.machine.ipAddress),
            "mac_address": JSONValue(app.machine.macAddress),
            "version": JSONValue(app.machine.version),
            "system": "Linux",
            "server_status": JSONValue(app.serverURL),
            "db_uuid": JSONValue(config[.dbUUID]),
            "certificate_end_date": endDate,
            "network_interfaces": .array(interfaces),
            "system_uptime_seconds": .number(Self.systemUptimeSeconds()),
            "odoo_uptime_seconds": .number(Self.seconds(startedAt.duration(to: .now))),
        ]
        return .response(IoTDriverResponses.json(document))
    }

    /// `{"status": "success", "logs": "…"}`: the current log file, as Odoo's box homepage reads it.
    func iotLogs(_ request: HTTPRequest) -> HTTPHandlerResult {
        let path = app.logSink.path
        return offLoop {
            let bytes = (try? FileSystem.readIfPresent(path, maxBytes: 4 * LogFileSink.defaultMaximumFileSize)) ?? nil
            return IoTDriverResponses.json([
                "status": "success", "logs": JSONValue(String(decoding: bytes ?? [], as: UTF8.self)),
            ])
        }
    }

    /// The whole log, as `/logs/download` sends it (streamed), under Odoo's attachment name.
    func downloadLogs(_ request: HTTPRequest) -> HTTPHandlerResult {
        let name = Self.logFileName(identifier: app.machine.identifier, at: Date())
        return .response(LogDownload.response(logPath: app.logSink.path, fileName: name))
    }

    /// The shape of Odoo's answer, for a box with one level and no drivers of its own.
    func logLevels(_ request: HTTPRequest) -> HTTPHandlerResult {
        let level = app.logLevel.name.rawValue
        let document: JSONValue = [
            "title": "Odoo's IoT Box - Handlers list",
            "breadcrumb": "Handlers list",
            "drivers_list": [],
            "interfaces_list": [],
            "server": JSONValue(app.serverURL),
            "is_log_to_server_activated": false,
            "root_logger_log_level": JSONValue(level),
            "odoo_current_log_level": JSONValue(level),
            "recommended_log_level": "warning",
            "available_log_levels": .array(BoxLogLevel.names.map { JSONValue($0) }),
            "drivers_logger_info": [:],
            "interfaces_logger_info": [:],
            "is_custom_handlers_enabled": false,
        ]
        return .response(IoTDriverResponses.json(document))
    }

    /// Starts a check (rate-limited like a homepage visit) and answers the certificate status
    /// of `/status.json` once it ends, or after at most `WebRoutes.pageWait`.
    func checkCertificate(_ request: HTTPRequest) -> HTTPHandlerResult {
        app.checker.check(reason: .checkCertificateRoute)
        guard app.checker.isChecking else {
            return .response(IoTDriverResponses.json(app.checker.status.json))
        }
        let checker = app.checker
        return .deferred { respond in
            checker.waitForResult(upTo: WebRoutes.pageWait) { _ in
                respond(IoTDriverResponses.json(checker.status.json))
            }
        }
    }

    // MARK: - Calls that change something

    func saveCredential(_ request: HTTPRequest) -> HTTPHandlerResult {
        call(request, params: ["db_uuid", "enterprise_code"]) { params in
            forms.saveCredential(FormData(params))
        }
    }

    func clearCredentialCall(_ request: HTTPRequest) -> HTTPHandlerResult {
        call(request, params: []) { _ in forms.clearCredential(FormData([:])) }
    }

    /// Odoo's plain-HTTP answer: the result object itself, without the JSON-RPC envelope.
    func clearCredentialGet() -> HTTPHandlerResult {
        .response(IoTDriverResponses.json(Self.result(forms.clearCredential(FormData([:])))))
    }

    func updateLogLevel(_ request: HTTPRequest) -> HTTPHandlerResult {
        call(request, params: ["name", "value"]) { params in
            guard let name = params["name"], Self.loggerNames.contains(name) else {
                return Flash(
                    message: "Invalid logger name: this box has one log level, named iot-logging-root.",
                    succeeded: false)
            }
            return forms.saveLogLevel(FormData(["level": params["value"] ?? ""]))
        }
    }

    /// Reads a JSON-RPC call, runs `action` with its params, and answers its outcome as
    /// `result`; a call that cannot be read gets `error` and runs nothing.
    private func call(
        _ request: HTTPRequest, params names: Set<String>, _ action: ([String: String]) -> Flash
    ) -> HTTPHandlerResult {
        switch JSONRPC.read(request, params: names) {
        case .failure(let failure):
            app.logger.info(
                "iot_drivers call not run: \(failure.detail)", metadata: ["path": "\(request.path)"])
            return .response(JSONRPC.failure(failure))
        case .success(let call):
            return .response(JSONRPC.success(id: call.id, result: Self.result(action(call.params))))
        }
    }

    /// `{"status": "success" | "error", "message": "…"}`, plus each refused field's reason.
    static func result(_ flash: Flash) -> JSONValue {
        guard !flash.fieldErrors.isEmpty else {
            return ["status": flash.succeeded ? "success" : "error", "message": JSONValue(flash.message)]
        }
        let reasons = flash.fieldErrors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        return [
            "status": "error", "message": JSONValue("Nothing was saved. " + reasons.joined(separator: " ")),
            "errors": .object(flash.fieldErrors.mapValues { JSONValue($0) }),
        ]
    }

    // MARK: - Facts

    /// `iot-odoo-IDENTIFIER-YYYY-MM-DD_HH-MM-SS.log` (UTC), the identifier kept to characters a
    /// file name and a header carry safely.
    static func logFileName(identifier: String, at date: Date) -> String {
        let safe = String(
            identifier.unicodeScalars.map { scalar -> Character in
                let allowed =
                    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "." || scalar == "_"
                return allowed ? Character(scalar) : "_"
            })
        let stamp = ProvisioningProtocol.odooDateTime(date).replacing(" ", with: "_").replacing(":", with: "-")
        return "iot-odoo-\(safe)-\(stamp).log"
    }

    static func isWireless(_ interface: String) -> Bool {
        guard !interface.contains("/"), interface != "..", interface != "." else { return false }
        return access("/sys/class/net/\(interface)/wireless", F_OK) == 0
            || access("/sys/class/net/\(interface)/phy80211", F_OK) == 0
    }

    /// Seconds since boot, suspend included (what `/proc/uptime` says).
    static func systemUptimeSeconds() -> Double {
        var now = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &now) == 0 else { return 0 }
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
