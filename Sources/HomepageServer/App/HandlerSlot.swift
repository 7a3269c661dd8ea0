import HTTPCore
import Synchronization

/// The server needs its handler when it is made, and the routes need the app, which needs
/// the server (to open the HTTPS listener later). This slot breaks that cycle: it is filled
/// once, before the server starts.
final class HandlerSlot: HTTPHandler {
    private let target = Mutex<(any HTTPHandler)?>(nil)

    func fill(_ handler: any HTTPHandler) {
        target.withLock { $0 = handler }
    }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        guard let handler = target.withLock({ $0 }) else {
            return .response(HTTPResponse(status: 503, contentType: "text/plain; charset=utf-8", body: "starting\n"))
        }
        return handler.handle(request)
    }
}

/// Forwards the checker's "new certificate stored" to the app, which exists only after the
/// checker does.
final class CertificateStoredRelay: Sendable {
    private let target = Mutex<(@Sendable (String, String) -> Void)?>(nil)

    func connect(_ receiver: @escaping @Sendable (String, String) -> Void) {
        target.withLock { $0 = receiver }
    }

    func forward(chainPEM: String, keyPEM: String) {
        target.withLock { $0 }?(chainPEM, keyPEM)
    }
}
