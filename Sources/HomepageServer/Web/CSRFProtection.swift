import Glibc
import HTTPCore
import SystemKit

/// Cross-site request forgery protection: a form token bound to one browser session.
///
/// A page with forms gives the browser a session cookie (random, `HttpOnly`,
/// `SameSite=Strict`, `Path=/`, `Secure` and the `__Host-` prefix over HTTPS) and embeds
/// `token = HMAC-SHA-256(key, session)` in each form's hidden `csrf_token` field. A POST is
/// accepted only when the token matches the session cookie it arrives with (compared in
/// constant time). Why this holds even when a token leaks (it travels in clear over HTTP):
/// - a page of another site cannot make the browser send the session cookie
///   (`SameSite=Strict`), and cannot read it (`HttpOnly`), so a leaked token is useless from
///   there; `OriginPolicy` refuses such requests even before the token is looked at;
/// - a token belongs to one session: other browsers' tokens, and this browser's tokens from an
///   earlier session, are refused;
/// - sessions rotate: every successful form starts a new one (its `303` sets a new cookie, so
///   a token seen on a page works until the next saved form at most), and a session ends
///   `sessionLifetime` after it began (a page view past `sessionRenewalAge` starts a new one,
///   so a page just shown keeps working for hours);
/// - the key is 256 random bits kept in the data dir (0600) and never sent anywhere: only
///   codes made with it appear on pages. Kept, so open pages survive a restart of the box.
struct CSRFProtection: Sendable {
    static let keyFileName = "form-key"
    /// What earlier versions kept: the token itself, which every settings page showed. It is
    /// removed at start, so a token seen then is worth nothing now.
    static let legacySecretFileName = "csrf-secret"
    static let keyByteCount = 32
    /// How long a session (and the tokens of its pages) lasts, in seconds.
    static let sessionLifetime = 12 * 3600
    /// A page view with a session older than this starts a new one.
    static let sessionRenewalAge = 6 * 3600
    /// A session dated later than now by more than this (a clock set back) is not believed.
    static let clockTolerance = 300

    /// A browser session: the cookie's value, `ISSUED.RANDOM` (seconds since the epoch, then
    /// 128 random bits in hex).
    struct Session: Sendable, Equatable {
        let value: String
        let issuedAt: Int
    }

    /// Why a form was refused.
    enum Refusal: Sendable, Equatable, CustomStringConvertible {
        case noSession
        case expiredSession
        case wrongToken

        var description: String {
            switch self {
            case .noSession: "no session cookie"
            case .expiredSession: "the session has expired"
            case .wrongToken: "missing or wrong CSRF token for the session"
            }
        }

        /// For the page: what happened, that nothing changed, and what to do.
        var message: String {
            let cause =
                switch self {
                case .noSession:
                    "This form arrived without the box's session cookie (the page may be older than 12 hours, "
                        + "or this browser blocks cookies for the box)"
                case .expiredSession: "This form's page is older than 12 hours, and its session has ended"
                case .wrongToken:
                    "This form did not come from the box's page in this browser's current session (a form was "
                        + "saved since the page was shown, or the page came from elsewhere)"
                }
            return cause + ", so nothing was changed. Reload the page and try again."
        }
    }

    private let key: [UInt8]
    private let now: @Sendable () -> Int

    init(key: [UInt8], now: @escaping @Sendable () -> Int = { Int(time(nil)) }) {
        self.key = key
        self.now = now
    }

    /// The session cookie's name: over HTTPS with the `__Host-` prefix, which a browser keeps
    /// only when set by this very host with `Secure` and `Path=/` and no `Domain`, so no
    /// other name under the certificate's domain can plant one.
    static func cookieName(secure: Bool) -> String { secure ? "__Host-box_session" : "box_session" }

    /// A new session, begun now.
    func newSession() -> Session {
        let issued = now()
        return Session(value: "\(issued).\(Self.hex(Self.randomBytes(16)))", issuedAt: issued)
    }

    /// The request's session when its cookie is well formed and has not ended; nil otherwise.
    func session(of request: HTTPRequest) -> Session? {
        guard let session = Self.cookieSession(of: request) else { return nil }
        return isCurrent(session) ? session : nil
    }

    /// The session the forms of a page shown now belong to, and the `Set-Cookie` value to
    /// send when it is a new one: the request's own session while it is younger than
    /// `sessionRenewalAge`, a new one otherwise.
    func pageSession(for request: HTTPRequest) -> (session: Session, setCookie: String?) {
        if let session = session(of: request), now() - session.issuedAt < Self.sessionRenewalAge {
            return (session, nil)
        }
        let session = newSession()
        return (session, setCookie(for: session, secure: request.isSecure))
    }

    /// The token a form of `session` carries: lowercase hex of HMAC-SHA-256(key, session).
    func token(for session: Session) -> String {
        Self.hex(HMACSHA256.code(for: Array(("box-form-token:" + session.value).utf8), key: key))
    }

    /// Nil when `submitted` is the token of the session `request` carries; why not otherwise.
    func refusal(of submitted: String?, in request: HTTPRequest) -> Refusal? {
        guard let session = Self.cookieSession(of: request) else { return .noSession }
        guard isCurrent(session) else { return .expiredSession }
        guard let submitted, HMACSHA256.constantTimeEquals(Array(submitted.utf8), Array(token(for: session).utf8))
        else { return .wrongToken }
        return nil
    }

    /// The `Set-Cookie` value that gives the browser `session`.
    func setCookie(for session: Session, secure: Bool) -> String {
        let remaining = max(0, session.issuedAt + Self.sessionLifetime - now())
        return "\(Self.cookieName(secure: secure))=\(session.value); Path=/; HttpOnly; SameSite=Strict; "
            + "Max-Age=\(remaining)" + (secure ? "; Secure" : "")
    }

    private func isCurrent(_ session: Session) -> Bool {
        let age = now() - session.issuedAt
        return age < Self.sessionLifetime && age >= -Self.clockTolerance
    }

    /// The session named by the request's cookie for its scheme, if well formed (expired or
    /// not).
    private static func cookieSession(of request: HTTPRequest) -> Session? {
        let name = cookieName(secure: request.isSecure)
        for header in request.headers.values(for: "Cookie") {
            for part in header.split(separator: ";") {
                let pair = part.trimmingASCIIWhitespace()
                guard pair.hasPrefix(name + "=") else { continue }
                return parse(pair.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    private static func parse(_ value: Substring) -> Session? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 12, parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let issued = Int(parts[0]), parts[1].utf8.count == 32,
            parts[1].utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        return Session(value: String(value), issuedAt: issued)
    }

    // MARK: - The key

    /// Reads the key from `directory`, or creates it there when it is missing or unusable (a
    /// damaged key only invalidates forms open at that moment). Removes the legacy secret.
    static func loadOrCreate(inDirectory directory: String) throws(FileError) -> CSRFProtection {
        let legacy = directory + "/" + legacySecretFileName
        if unlink(legacy) != 0, errno != ENOENT {
            throw FileError(operation: "unlink", path: legacy, code: errno)
        }
        let path = directory + "/" + keyFileName
        if let stored = try FileSystem.readIfPresent(path, maxBytes: 4096), let key = decodeHex(stored),
            key.count == keyByteCount
        {
            return CSRFProtection(key: key)
        }
        let key = randomBytes(keyByteCount)
        try FileSystem.replace(path, with: Array((hex(key) + "\n").utf8), mode: 0o600)
        return CSRFProtection(key: key)
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// From the system generator, which on Linux reads the kernel's CSPRNG (getrandom).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func decodeHex(_ bytes: [UInt8]) -> [UInt8]? {
        var text = bytes
        while let last = text.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { text.removeLast() }
        guard text.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < text.count {
            guard let high = hexDigit(text[index]), let low = hexDigit(text[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
