import HTTPCore
import Testing

@Suite struct RouterTests {
    private static func text(_ body: String) -> HTTPHandlerResult {
        .response(HTTPResponse(status: 200, contentType: "text/plain", body: body))
    }

    private static func response(_ router: Router, _ method: String, _ path: String) -> HTTPResponse? {
        guard case .response(let response) = router.handle(HTTPRequest(method: method, target: path, path: path))
        else { return nil }
        return response
    }

    private static func bodyText(_ response: HTTPResponse?) -> String? {
        response.map { String(decoding: $0.body, as: UTF8.self) }
    }

    private static func sampleRouter() -> Router {
        var router = Router()
        router.get("/") { _ in text("home") }
        router.get("/settings") { _ in text("settings") }
        router.post("/settings/server") { request in text("saved \(request.body.count)") }
        router.add(method: "PUT", path: "/thing") { _ in text("put") }
        router.get(prefix: "/static/") { request in text("static \(request.path)") }
        router.get(prefix: "/static/icons/") { _ in text("icons") }
        return router
    }

    @Test func exactRouteIsChosenByMethodAndPath() {
        let router = Self.sampleRouter()
        #expect(Self.bodyText(Self.response(router, "GET", "/settings")) == "settings")
        #expect(Self.bodyText(Self.response(router, "POST", "/settings/server")) == "saved 0")
        #expect(Self.bodyText(Self.response(router, "PUT", "/thing")) == "put")
    }

    @Test func unknownPathGets404() {
        let router = Self.sampleRouter()
        #expect(Self.response(router, "GET", "/nope")?.status == 404)
        #expect(Self.response(router, "GET", "/settings/")?.status == 404)
        #expect(Self.response(router, "GET", "/Settings")?.status == 404)
    }

    @Test func notFoundHandlerAnswersUnknownPaths() {
        var router = Self.sampleRouter()
        router.notFoundHandler = { _ in .response(HTTPResponse(status: 404, contentType: "text/html", body: "<p>")) }
        #expect(Self.bodyText(Self.response(router, "GET", "/nope")) == "<p>")
    }

    @Test func pathIsMatchedRawWithoutDecoding() {
        let router = Self.sampleRouter()
        #expect(Self.response(router, "GET", "/%73ettings")?.status == 404)
    }

    @Test func headIsServedByGetRoute() {
        let router = Self.sampleRouter()
        let response = Self.response(router, "HEAD", "/settings")
        #expect(response?.status == 200)
        #expect(Self.bodyText(response) == "settings")
    }

    @Test func wrongMethodGets405WithAllow() {
        let router = Self.sampleRouter()
        let response = Self.response(router, "DELETE", "/settings")
        #expect(response?.status == 405)
        #expect(response?.headers["Allow"] == "GET, HEAD, OPTIONS")
        let post = Self.response(router, "GET", "/settings/server")
        #expect(post?.status == 405)
        #expect(post?.headers["Allow"] == "OPTIONS, POST")
    }

    @Test func unknownOrLowercaseMethodGets405() {
        let router = Self.sampleRouter()
        #expect(Self.response(router, "get", "/settings")?.status == 405)
    }

    @Test func optionsIsAnsweredWithAllow() {
        let router = Self.sampleRouter()
        let response = Self.response(router, "OPTIONS", "/settings")
        #expect(response?.status == 204)
        #expect(response?.headers["Allow"] == "GET, HEAD, OPTIONS")
        let star = Self.response(router, "OPTIONS", "*")
        #expect(star?.status == 204)
        #expect(star?.headers["Allow"] == "GET, HEAD, OPTIONS, POST, PUT")
    }

    @Test func prefixRouteMatchesEverythingBelowIt() {
        let router = Self.sampleRouter()
        #expect(Self.bodyText(Self.response(router, "GET", "/static/app.css")) == "static /static/app.css")
        #expect(Self.bodyText(Self.response(router, "HEAD", "/static/a/b.js")) == "static /static/a/b.js")
        #expect(Self.response(router, "POST", "/static/app.css")?.status == 405)
        #expect(Self.response(router, "GET", "/static")?.status == 404)
    }

    @Test func longerPrefixWins() {
        let router = Self.sampleRouter()
        #expect(Self.bodyText(Self.response(router, "GET", "/static/icons/cog.svg")) == "icons")
    }

    @Test func exactRouteWinsOverPrefix() {
        var router = Self.sampleRouter()
        router.get("/static/special") { _ in Self.text("special") }
        #expect(Self.bodyText(Self.response(router, "GET", "/static/special")) == "special")
    }

    @Test func allowedMethodsDescribesAPath() {
        let router = Self.sampleRouter()
        #expect(router.allowedMethods(for: "/thing") == "OPTIONS, PUT")
        #expect(router.allowedMethods(for: "/missing") == nil)
    }

    @Test func deferredHandlerResultIsPassedThrough() {
        var router = Router()
        router.get("/later") { _ in .deferred { respond in respond(HTTPResponse(status: 202)) } }
        guard case .deferred = router.handle(HTTPRequest(method: "GET", target: "/later", path: "/later")) else {
            Issue.record("expected a deferred result")
            return
        }
    }
}
