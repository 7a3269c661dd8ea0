/// Picks the handler for a request by method and path; routes read like a table:
///
///     var router = Router()
///     router.get("/settings") { request in .response(settingsPage(request)) }
///     router.post("/settings/server") { request in ... }
///     router.get(prefix: "/static/") { request in .response(files.handle(request)) }
///
/// Paths match the request's raw path exactly, still percent-encoded and case-sensitive:
/// `/settings` does not match `/Settings`, `/settings/` or `/%73ettings`. A prefix route
/// matches every path starting with its prefix; an exact route wins over a prefix, and a
/// longer prefix over a shorter one. The query never takes part.
///
/// HEAD is served by the GET handler (the server leaves out the body). A known path asked
/// with a method it lacks gets 405 with `Allow`; OPTIONS is answered with `Allow` unless a
/// route handles it; an unknown path gets 404 (or `notFoundHandler` when set).
public struct Router: HTTPHandler {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPHandlerResult

    private var exactRoutes: [String: [String: Handler]] = [:]
    /// Kept longest prefix first, so the first match is the most specific.
    private var prefixRoutes: [(prefix: String, handlers: [String: Handler])] = []

    /// Answers paths no route knows; nil means a plain-text 404.
    public var notFoundHandler: Handler?

    public init() {}

    public mutating func add(method: String, path: String, handler: @escaping Handler) {
        exactRoutes[path, default: [:]][method] = handler
    }

    public mutating func add(method: String, prefix: String, handler: @escaping Handler) {
        if let index = prefixRoutes.firstIndex(where: { $0.prefix == prefix }) {
            prefixRoutes[index].handlers[method] = handler
            return
        }
        prefixRoutes.append((prefix, [method: handler]))
        prefixRoutes.sort { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    public mutating func get(_ path: String, _ handler: @escaping Handler) {
        add(method: "GET", path: path, handler: handler)
    }

    public mutating func post(_ path: String, _ handler: @escaping Handler) {
        add(method: "POST", path: path, handler: handler)
    }

    public mutating func get(prefix: String, _ handler: @escaping Handler) {
        add(method: "GET", prefix: prefix, handler: handler)
    }

    public func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        if request.path == "*" && request.method == "OPTIONS" {
            return .response(Self.allowResponse(status: 204, methods: allMethods()))
        }
        guard let handlers = handlers(for: request.path) else {
            if let notFoundHandler { return notFoundHandler(request) }
            return .response(HTTPResponse(status: 404, contentType: "text/plain; charset=utf-8", body: "Not Found\n"))
        }
        if let handler = handlers[request.method] { return handler(request) }
        if request.method == "HEAD", let handler = handlers["GET"] { return handler(request) }
        if request.method == "OPTIONS" {
            return .response(Self.allowResponse(status: 204, methods: Set(handlers.keys)))
        }
        return .response(Self.allowResponse(status: 405, methods: Set(handlers.keys)))
    }

    /// The methods a path answers, as an `Allow` value; nil for an unknown path.
    public func allowedMethods(for path: String) -> String? {
        handlers(for: path).map { Self.allowValue(Set($0.keys)) }
    }

    private func handlers(for path: String) -> [String: Handler]? {
        if let handlers = exactRoutes[path] { return handlers }
        for route in prefixRoutes where path.hasPrefix(route.prefix) { return route.handlers }
        return nil
    }

    private func allMethods() -> Set<String> {
        var methods = Set<String>()
        for handlers in exactRoutes.values { methods.formUnion(handlers.keys) }
        for route in prefixRoutes { methods.formUnion(route.handlers.keys) }
        return methods
    }

    /// HEAD comes with GET, and OPTIONS is always answered.
    private static func allowValue(_ methods: Set<String>) -> String {
        var all = methods
        if all.contains("GET") { all.insert("HEAD") }
        all.insert("OPTIONS")
        return all.sorted().joined(separator: ", ")
    }

    private static func allowResponse(status: Int, methods: Set<String>) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Allow", allowValue(methods))
        if status == 405 {
            headers.add("Content-Type", "text/plain; charset=utf-8")
            return HTTPResponse(status: status, headers: headers, body: Array("Method Not Allowed\n".utf8))
        }
        return HTTPResponse(status: status, headers: headers)
    }
}
