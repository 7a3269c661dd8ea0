import HTTPCore

/// The routes the box serves so far: a placeholder homepage and the public files.
enum HomepageRoutes {
    static func makeRouter(publicDirectory: String) -> Router {
        let files = StaticFileHandler(root: publicDirectory, urlPrefix: "/static/")
        var router = Router()
        router.get("/") { _ in
            .response(HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: placeholderPage))
        }
        router.get(prefix: "/static/") { request in .response(files.handle(request)) }
        return router
    }

    static let placeholderPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>IoT Box</title></head>
        <body>
        <h1>IoT Box</h1>
        <p>The homepage is starting up.</p>
        </body>
        </html>

        """
}
