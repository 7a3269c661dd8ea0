import HTTPCore

/// Which web pages may call the box's `iot_drivers` routes, and the CORS headers they get.
///
/// Odoo's box answers these routes to any origin (`cors='*'`), so any page a shop employee
/// opens could read the database UUID or clear the credentials. Here only two kinds of page
/// may: the configured Odoo server's (the database calls its box) and the box's own
/// (`OriginPolicy`).
/// - A call that changes something goes through `OriginPolicy.refusal`, the rule the forms
///   follow, with the Odoo server's origin allowed beside the box's own: a foreign `Origin`,
///   or none with `Sec-Fetch-Site: cross-site` or a foreign `Referer`, gets 403 and nothing
///   runs; so does one without `Origin` with `Sec-Fetch-Site: same-site`.
/// - A read with a foreign `Origin` gets 403 too; one without `Origin` (a navigation, such as
///   the database's "Download logs" link) is answered without CORS headers.
/// - Preflights are answered for allowed origins only, with Chrome's private network access
///   grant when asked; any other gets 403 without a single `Access-Control-` header.
/// `/hw_proxy/hello` and `/iot_drivers/ping` answer constants and stay open to any origin.
struct IoTDriverCallers: Sendable {
    let app: HomepageApp

    static let preflightMaxAge = "600"
    /// The only request header a call needs beyond the CORS-safelisted ones.
    static let allowedRequestHeaders: Set<String> = ["content-type"]

    enum Verdict: Equatable {
        /// Go ahead; `origin` is the `Origin` to echo in `Access-Control-Allow-Origin`, if any.
        case allowed(origin: String?)
        case refused(reason: String)
    }

    /// The configured Odoo server's origin (in sandbox mode, the sandbox's), read on each
    /// request so a newly saved server counts at once.
    var odooOrigin: WebOrigin? { app.serverURL.flatMap { WebOrigin(url: $0) } }

    func verdict(for request: HTTPRequest, changesState: Bool) -> Verdict {
        let policy = app.originPolicy
        let extra = odooOrigin.map { [$0] } ?? []
        // The box's one rule for requests that change something, the forms' included.
        if changesState, let refusal = policy.refusal(for: request, alsoAllowing: extra) {
            return .refused(reason: refusal.description)
        }
        let origins = request.headers.values(for: "Origin")
        // Every box's HTTPS name is under odoo-iot.com, so another box's page (or any page
        // under that domain) is same-site: without `Origin` it must not change anything here.
        if changesState, origins.isEmpty,
            request.headers["Sec-Fetch-Site"]?.trimmingASCIIWhitespace().equalsIgnoringASCIICase("same-site") == true
        {
            return .refused(reason: "Sec-Fetch-Site: same-site without Origin")
        }
        guard let header = origins.first else { return .allowed(origin: nil) }
        guard origins.count == 1, let origin = WebOrigin(serialized: header),
            policy.allows(origin, for: request, alsoAllowing: extra)
        else {
            return .refused(reason: "Origin \(Self.printable(origins.joined(separator: ", "))) may not call this box")
        }
        return .allowed(origin: header)
    }

    /// `OPTIONS` on a route: a CORS preflight from an allowed origin gets the grant, any other
    /// preflight 403; a plain `OPTIONS` gets `Allow`, as the router answers it elsewhere.
    /// `headServed` is false where HEAD is refused (a GET that changes something).
    func preflight(_ request: HTTPRequest, methods: [String], headServed: Bool = true) -> HTTPResponse {
        let allow = Self.allowValue(methods, headServed: headServed)
        guard request.headers["Access-Control-Request-Method"] != nil else {
            var headers = HTTPHeaders()
            headers.add("Allow", allow)
            return HTTPResponse(status: 204, headers: headers)
        }
        guard case .allowed(let origin?) = verdict(for: request, changesState: false) else {
            return IoTDriverResponses.forbidden("This page may not call the box.")
        }
        var headers = HTTPHeaders()
        headers.add("Access-Control-Allow-Origin", origin)
        headers.add("Access-Control-Allow-Methods", methods.joined(separator: ", "))
        let requested = Self.requestedHeaders(request)
        let granted = requested.filter { Self.allowedRequestHeaders.contains($0) }
        if !granted.isEmpty { headers.add("Access-Control-Allow-Headers", granted.joined(separator: ", ")) }
        if request.headers["Access-Control-Request-Private-Network"]?.trimmingASCIIWhitespace()
            .equalsIgnoringASCIICase("true") == true
        {
            headers.add("Access-Control-Allow-Private-Network", "true")
        }
        headers.add("Access-Control-Max-Age", Self.preflightMaxAge)
        headers.add(
            "Vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                + "Access-Control-Request-Private-Network")
        return HTTPResponse(status: 204, headers: headers)
    }

    /// A preflight on `ping` or `hello`: any origin, GET only; the private network grant only
    /// for allowed origins, so a foreign public page cannot use these to find boxes on the LAN.
    func openPreflight(_ request: HTTPRequest) -> HTTPResponse {
        guard request.headers["Access-Control-Request-Method"] != nil else {
            var headers = HTTPHeaders()
            headers.add("Allow", Self.allowValue(["GET"]))
            return HTTPResponse(status: 204, headers: headers)
        }
        var headers = HTTPHeaders()
        headers.add("Access-Control-Allow-Origin", "*")
        headers.add("Access-Control-Allow-Methods", "GET")
        if request.headers["Access-Control-Request-Private-Network"]?.trimmingASCIIWhitespace()
            .equalsIgnoringASCIICase("true") == true,
            case .allowed(let origin?) = verdict(for: request, changesState: false), !origin.isEmpty
        {
            headers.add("Access-Control-Allow-Private-Network", "true")
        }
        headers.add("Access-Control-Max-Age", Self.preflightMaxAge)
        headers.add("Vary", "Origin, Access-Control-Request-Private-Network")
        return HTTPResponse(status: 204, headers: headers)
    }

    /// The lowercased names in `Access-Control-Request-Headers`.
    private static func requestedHeaders(_ request: HTTPRequest) -> [String] {
        request.headers.values(for: "Access-Control-Request-Headers").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingASCIIWhitespace().lowercased() }.filter { !$0.isEmpty }
    }

    private static func allowValue(_ methods: [String], headServed: Bool = true) -> String {
        var all = Set(methods)
        if headServed, all.contains("GET") { all.insert("HEAD") }
        all.insert("OPTIONS")
        return all.sorted().joined(separator: ", ")
    }

    /// An `Origin` as it may appear in a log line: short, visible ASCII.
    static func printable(_ header: String) -> String {
        String(header.unicodeScalars.prefix(200).map { $0.value > 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}
