import HTTPCore

/// Odoo's `type="jsonrpc"` calls: a JSON-RPC 2.0 request in, `result` or `error` out.
///
/// Odoo reads `params` and echoes `id`; `jsonrpc` and `method` may be left out, as Odoo's own
/// certificate request does. Everything else is refused with a clear message before any
/// action runs: a body that is not JSON or names a key twice in one object (400), members
/// JSON-RPC does not define, params that are missing, unknown or not strings (a JSON-RPC `error`).
enum JSONRPC {
    /// A refused call: what JSON-RPC 2.0 calls the error, and the HTTP status it travels with.
    struct Failure: Error, Equatable {
        var httpStatus: Int
        var code: Int
        var message: String
        var detail: String

        static func parse(_ detail: String) -> Failure {
            Failure(httpStatus: 400, code: -32700, message: "Parse error", detail: detail)
        }

        static func invalidRequest(_ detail: String) -> Failure {
            Failure(httpStatus: 400, code: -32600, message: "Invalid Request", detail: detail)
        }

        /// Sent with 200, as Odoo answers a call whose arguments do not fit.
        static func invalidParams(_ detail: String) -> Failure {
            Failure(httpStatus: 200, code: -32602, message: "Invalid params", detail: detail)
        }

        static func unsupportedMediaType(_ detail: String) -> Failure {
            Failure(httpStatus: 415, code: -32600, message: "Invalid Request", detail: detail)
        }
    }

    /// A call read from a request body: its `id` (echoed back) and its string params.
    struct Call {
        /// A string, a number or null.
        var id: JSONValue
        var params: [String: String]
    }

    static let topLevelMembers: Set<String> = ["jsonrpc", "method", "params", "id"]

    /// Reads a call whose params must be exactly `names` (`optional` may be left out), each a string.
    static func read(
        _ request: HTTPRequest, params names: Set<String>, optional: Set<String> = []
    ) -> Result<Call, Failure> {
        guard isJSON(request.headers["Content-Type"]) else {
            return .failure(
                .unsupportedMediaType(
                    "send the call as Content-Type: application/json, not \(request.headers["Content-Type"] ?? "nothing")"
                ))
        }
        // A body that names a key twice reads differently here (first value) and in Python,
        // which Odoo's own box runs (last value): which params were meant would be a guess.
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: request.body, duplicateKeys: .refuse)
        } catch let duplicate as JSONDuplicateKeyError {
            let key = duplicate.key.count > 64 ? String(duplicate.key.prefix(64)) + "…" : duplicate.key
            return .failure(.parse("the body is ambiguous JSON: \(JSONDuplicateKeyError(key: key))"))
        } catch {
            return .failure(.parse("the body is not valid JSON"))
        }
        guard let envelope = parsed.objectValue else {
            return .failure(.invalidRequest("the body must be a JSON object"))
        }
        let id = envelope["id"] ?? .null
        let extra = Set(envelope.keys).subtracting(topLevelMembers)
        guard extra.isEmpty else {
            return .failure(
                .invalidRequest("unknown member \(quotedList(extra)); a call has jsonrpc, method, params, id"))
        }
        if let version = envelope["jsonrpc"], version.stringValue != "2.0" {
            return .failure(.invalidRequest("jsonrpc must be \"2.0\""))
        }
        if let method = envelope["method"], method.stringValue == nil {
            return .failure(.invalidRequest("method must be a string"))
        }
        switch id {
        case .null, .string, .integer, .number: break
        default: return .failure(.invalidRequest("id must be a string, a number or null"))
        }
        let rawParams: [String: JSONValue]
        switch envelope["params"] {
        case nil, .null?: rawParams = [:]
        case .object(let object)?: rawParams = object
        default: return .failure(.invalidParams("params must be an object"))
        }
        let unknown = Set(rawParams.keys).subtracting(names).subtracting(optional)
        guard unknown.isEmpty else {
            let expected = names.union(optional).isEmpty ? "none" : quotedList(names.union(optional))
            return .failure(.invalidParams("unknown param \(quotedList(unknown)); expected \(expected)"))
        }
        let missing = names.subtracting(rawParams.keys)
        guard missing.isEmpty else {
            return .failure(.invalidParams("missing param \(quotedList(missing))"))
        }
        var params: [String: String] = [:]
        for (name, value) in rawParams {
            guard let text = value.stringValue else {
                return .failure(.invalidParams("param \"\(name)\" must be a string"))
            }
            params[name] = text
        }
        return .success(Call(id: id, params: params))
    }

    /// `{"jsonrpc": "2.0", "id": …, "result": …}`.
    static func success(id: JSONValue, result: JSONValue) -> HTTPResponse {
        IoTDriverResponses.json(["jsonrpc": "2.0", "id": id, "result": result])
    }

    /// `{"jsonrpc": "2.0", "id": …, "error": {"code", "message", "data": {"name", "message"}}}`:
    /// Odoo's web client shows `error.data.message`.
    static func failure(_ failure: Failure, id: JSONValue = nil) -> HTTPResponse {
        let error: JSONValue = [
            "code": .integer(failure.code), "message": JSONValue(failure.message),
            "data": ["name": "invalid_request", "message": JSONValue(failure.detail)],
        ]
        return IoTDriverResponses.json(["jsonrpc": "2.0", "id": id, "error": error], status: failure.httpStatus)
    }

    /// `application/json`, with parameters (`; charset=utf-8`) allowed.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.prefix { $0 != ";" }.trimmingASCIIWhitespace()
        return type.equalsIgnoringASCIICase("application/json")
    }

    private static func quotedList(_ names: Set<String>) -> String {
        names.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
