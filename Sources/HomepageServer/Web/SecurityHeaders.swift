import HTTPCore

/// Headers every HTML response carries, so the pages cannot be framed, sniffed into another
/// type, or made to load anything from elsewhere.
enum SecurityHeaders {
    /// `form-action 'self'` keeps an injected form from posting the credentials elsewhere;
    /// `base-uri 'none'` keeps an injected `<base>` from redirecting relative links.
    static let contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    /// The policy for a page whose script may also fetch from `origin` (the homepage over HTTP
    /// asks the box's HTTPS address whether this device reaches it), and nowhere else.
    static func contentSecurityPolicy(connectingTo origin: String) -> String {
        contentSecurityPolicy + "; connect-src 'self' " + origin
    }

    /// Adds the headers. `noStore` for pages that show settings or typed values, which must
    /// not linger in a shared browser's cache.
    ///
    /// `Referrer-Policy: same-origin`: other sites learn nothing of the box's addresses, while
    /// the box's own forms still carry a real `Origin` (under `no-referrer` browsers send
    /// `Origin: null` with a form, which `OriginPolicy` must refuse).
    static func apply(
        to headers: inout HTTPHeaders, noStore: Bool,
        contentSecurityPolicy: String = SecurityHeaders.contentSecurityPolicy
    ) {
        forEachField(noStore: noStore, contentSecurityPolicy: contentSecurityPolicy) { headers.set($0, $1) }
    }

    /// The same fields as `apply`, for an answer being built that has none of them yet (a
    /// page's): appended without first looking for each one among the fields, which `set` does
    /// (about 370 instructions a field on every page view).
    static func add(
        to headers: inout HTTPHeaders, noStore: Bool,
        contentSecurityPolicy: String = SecurityHeaders.contentSecurityPolicy
    ) {
        forEachField(noStore: noStore, contentSecurityPolicy: contentSecurityPolicy) { name, value in
            assert(!headers.contains(name), "\(name) is already set")
            headers.add(name, value)
        }
    }

    /// The fields `apply` and `add` write, in the order an answer carries them.
    private static func forEachField(
        noStore: Bool, contentSecurityPolicy: String, _ body: (_ name: String, _ value: String) -> Void
    ) {
        body("Content-Security-Policy", contentSecurityPolicy)
        body("X-Content-Type-Options", "nosniff")
        body("Referrer-Policy", "same-origin")
        body("X-Frame-Options", "DENY")
        if noStore { body("Cache-Control", "no-store") }
    }

    static func applied(to response: HTTPResponse, noStore: Bool) -> HTTPResponse {
        var response = response
        apply(to: &response.headers, noStore: noStore)
        return response
    }
}
