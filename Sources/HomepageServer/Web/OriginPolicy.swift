import HTTPCore

/// Which web origins are the box's own, and whether a state-changing request may go ahead.
///
/// The box's own origins are `http://` with each of its plain ports, and `https://` with its
/// TLS port, each for one of its addresses (IPv6 in brackets, loopback included), `localhost`
/// or its host name; over `https://` also its HTTPS names (`192-168-1-10.<domain>`, or the
/// certificate's subject when it has no wildcard). A request's own origin, its scheme with the
/// authority it was sent to, counts too: the Host check has already proved that authority
/// names the box, and a page served under it that posts back to it is by definition the box's.
///
/// The check (`refusal(for:alsoAllowing:)`) is the second line of defence beside the CSRF
/// token, and needs no token: a browser names the page that caused a request, and a page
/// elsewhere cannot change that. A state-changing request is refused when
/// - `Origin` is present and is not an allowed origin (`null`, which sandboxed frames and
///   privacy-stripped requests send, included);
/// - `Origin` is absent but `Sec-Fetch-Site: cross-site` says another site caused it;
/// - `Origin` is absent but `Referer` is present and not of an allowed origin.
/// An allowed `Origin` wins over `Sec-Fetch-Site: cross-site`: the box's plain and TLS pages
/// are different sites to a browser, and so is a configured Odoo server that callers allow.
/// A request with none of these fields (a script, an old browser) goes on to the token check.
struct OriginPolicy: Sendable, Equatable {
    /// Hosts that name the box over either scheme.
    private let hosts: Set<WebOrigin.Host>
    /// Names that only its TLS listener's certificate covers.
    private let httpsHosts: Set<WebOrigin.Host>
    private let httpPorts: Set<Int>
    private let httpsPorts: Set<Int>

    /// `addresses` as text (IPv6 without brackets); `httpsNames` bare host names.
    init(addresses: [String], hostName: String?, httpsNames: [String], httpPorts: [Int], httpsPorts: [Int]) {
        var hosts = Set(addresses.map { WebOrigin.host(text: $0) })
        hosts.insert(.name("localhost"))
        if let hostName, !hostName.isEmpty { hosts.insert(WebOrigin.host(text: hostName)) }
        self.hosts = hosts
        httpsHosts = Set(httpsNames.filter { !$0.isEmpty }.map { WebOrigin.host(text: $0) })
        self.httpPorts = Set(httpPorts)
        self.httpsPorts = Set(httpsPorts)
    }

    /// Whether `origin` is one of the box's own origins.
    func isOwn(_ origin: WebOrigin) -> Bool {
        switch origin.scheme {
        case .http:
            return httpPorts.contains(origin.port) && hosts.contains(origin.host)
        case .https:
            return httpsPorts.contains(origin.port) && (hosts.contains(origin.host) || httpsHosts.contains(origin.host))
        }
    }

    /// Whether a page of `origin` may act on the box through `request`: it is one of the box's
    /// own origins, the request's own origin, or one of `extra`.
    func allows(_ origin: WebOrigin, for request: HTTPRequest?, alsoAllowing extra: [WebOrigin] = []) -> Bool {
        if isOwn(origin) || extra.contains(origin) { return true }
        guard let request, let own = Self.ownOrigin(of: request) else { return false }
        return origin == own
    }

    /// Why a state-changing `request` must be refused, or nil when it may go on. `extra` are
    /// origins the caller trusts beside the box's own (say, the configured Odoo server's).
    func refusal(for request: HTTPRequest, alsoAllowing extra: [WebOrigin] = []) -> OriginRefusal? {
        let origins = request.headers.values(for: "Origin")
        if !origins.isEmpty {
            // A browser sends one; several are a forgery or a proxy bug, and either is refused.
            guard origins.count == 1, let origin = WebOrigin(serialized: origins[0]),
                allows(origin, for: request, alsoAllowing: extra)
            else { return .foreignOrigin(Self.shown(origins.joined(separator: ", "))) }
            return nil
        }
        if let site = request.headers["Sec-Fetch-Site"],
            site.trimmingASCIIWhitespace().equalsIgnoringASCIICase("cross-site")
        {
            return .crossSiteFetch
        }
        let referers = request.headers.values(for: "Referer")
        if !referers.isEmpty {
            guard referers.count == 1, let origin = WebOrigin(url: referers[0]),
                allows(origin, for: request, alsoAllowing: extra)
            else { return .foreignReferer(Self.shown(WebOrigin(url: referers[0])?.description ?? "another page")) }
        }
        return nil
    }

    /// The origin a page served by `request`'s answer has: its scheme and authority. Nil for
    /// an HTTP/1.0 request without Host, which names no authority.
    static func ownOrigin(of request: HTTPRequest) -> WebOrigin? {
        guard let authority = request.authority else { return nil }
        return WebOrigin(scheme: request.isSecure ? .https : .http, authority: authority)
    }

    /// A client's value made safe to log and show: printable ASCII, at most 200 characters.
    private static func shown(_ text: String) -> String {
        let printable = text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }
        let cut = String(String.UnicodeScalarView(printable.prefix(200)))
        return cut.isEmpty ? "an unnamed page" : cut
    }
}

/// Why `OriginPolicy` refused a state-changing request: what to log, and what to tell the
/// person in front of the page.
enum OriginRefusal: Sendable, Equatable, CustomStringConvertible {
    /// `Origin` names another site (or `null`); the value as sent, made printable.
    case foreignOrigin(String)
    /// No `Origin`, and `Sec-Fetch-Site` says another site caused the request.
    case crossSiteFetch
    /// No `Origin`, and `Referer` is a page of another site; its origin.
    case foreignReferer(String)

    /// For the log.
    var description: String {
        switch self {
        case .foreignOrigin(let origin): "Origin \(origin) is not one of the box's own"
        case .crossSiteFetch: "Sec-Fetch-Site: cross-site"
        case .foreignReferer(let origin): "Referer from \(origin), not one of the box's own pages"
        }
    }

    /// For the page: what happened, that nothing changed, and what to do.
    var message: String {
        let cause: String
        switch self {
        case .foreignOrigin(let origin): cause = "This request came from another site (\(origin))"
        case .crossSiteFetch: cause = "This request came from another site"
        case .foreignReferer(let origin): cause = "This request came from a page of another site (\(origin))"
        }
        return cause
            + ", not from the box's own page, so nothing was changed. To change a setting, open the box's "
            + "settings page by its own address and use the form there."
    }
}
