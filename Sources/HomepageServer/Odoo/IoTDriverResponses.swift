import HTTPCore

/// How the `iot_drivers` routes answer: JSON that no cache keeps and no browser sniffs, and the
/// CORS headers an allowed caller's page needs to read it.
enum IoTDriverResponses {
    static func json(_ document: JSONValue, status: Int = 200) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("Cache-Control", "no-store")
        headers.add("X-Content-Type-Options", "nosniff")
        return HTTPResponse(status: status, headers: headers, body: document.serialized())
    }

    static func text(_ body: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain; charset=utf-8")
        headers.add("Cache-Control", "no-store")
        headers.add("X-Content-Type-Options", "nosniff")
        return HTTPResponse(status: 200, headers: headers, body: Array(body.utf8))
    }

    static func forbidden(_ message: String) -> HTTPResponse {
        var response = text(message + "\n")
        response.status = 403
        response.reason = HTTPStatus.reasonPhrase(for: 403)
        return response
    }

    /// Adds what lets the page at `origin` read the answer; `Vary` either way, as the answer
    /// depends on who asks.
    static func withCORS(_ response: HTTPResponse, origin: String?) -> HTTPResponse {
        var response = response
        response.headers.add("Vary", "Origin")
        if let origin {
            response.headers.set("Access-Control-Allow-Origin", origin)
            // The attachment's name, for a page that saves the log itself.
            if response.headers["Content-Disposition"] != nil {
                response.headers.set("Access-Control-Expose-Headers", "Content-Disposition")
            }
        }
        return response
    }

    static func withCORS(_ result: HTTPHandlerResult, origin: String?) -> HTTPHandlerResult {
        switch result {
        case .response(let response):
            return .response(withCORS(response, origin: origin))
        case .deferred(let work):
            return .deferred { respond in work { respond(withCORS($0, origin: origin)) } }
        case .closeConnection:
            return .closeConnection
        }
    }

    /// Open to any origin, as Odoo's: for answers that are constants.
    static func open(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.headers.set("Access-Control-Allow-Origin", "*")
        return response
    }
}
