import HTTPCore
import Synchronization

/// What a form leaves for the page it redirects to: a one-time message, and on rejection the
/// per-field errors with the values the person typed. Kept server-side and named by a random
/// cookie, so no typed value travels in a URL and the page works without JavaScript.
struct Flash: Sendable {
    var message: String
    var succeeded: Bool
    var fieldErrors: [String: String] = [:]
    var enteredValues: [String: String] = [:]
}

final class FlashStore: Sendable {
    static let cookieName = "box_flash"
    /// Bounds the memory a client can make the box hold by posting forms without reading them.
    static let capacity = 256

    /// As long as the cookie lives: what a person typed is not kept past it.
    let lifetime: Duration
    /// Where expiry times come from; a test passes its own to move time forward.
    private let now: @Sendable () -> ContinuousClock.Instant

    init(lifetime: Duration = .seconds(300), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.lifetime = lifetime
        self.now = now
    }

    private let entries = Mutex<[(id: String, flash: Flash, expires: ContinuousClock.Instant)]>([])

    /// Keeps `flash` and returns the `Set-Cookie` value that names it.
    func put(_ flash: Flash) -> String {
        let id = CSRFProtection.hex(CSRFProtection.randomBytes(16))
        let now = now()
        entries.withLock { entries in
            entries.removeAll { $0.expires <= now }
            entries.append((id, flash, now + lifetime))
            if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        }
        return
            "\(Self.cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(lifetime.components.seconds)"
    }

    /// Removes and returns the flash named by the request's cookie, if any and still fresh.
    func take(for request: HTTPRequest) -> Flash? {
        guard let id = Self.cookieValue(in: request) else { return nil }
        return take(id: id)
    }

    /// Removes and returns the flash named `id` (a cookie's value), if still fresh.
    func take(id: String) -> Flash? {
        let now = now()
        return entries.withLock { entries in
            entries.removeAll { $0.expires <= now }
            guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
            return entries.remove(at: index).flash
        }
    }

    static let clearingCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"

    static func cookieValue(in request: HTTPRequest) -> String? {
        // Asked twice per page view, and most requests carry no cookie: the look-up in place
        // answers those, where the loop below copies every field it passes.
        guard request.headers.contains("Cookie") else { return nil }
        for field in request.headers where field.name.equalsIgnoringASCIICase("Cookie") {
            for part in field.value.split(separator: ";") {
                let pair = part.trimmingASCIIWhitespace()
                if pair.hasPrefix(cookieName + "=") {
                    return String(pair.dropFirst(cookieName.count + 1))
                }
            }
        }
        return nil
    }
}
