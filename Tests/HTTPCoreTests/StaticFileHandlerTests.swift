import Glibc
import HTTPCore
import Testing

@Suite struct StaticFileHandlerTests {
    private static let css = String(repeating: "body { color: #333; margin: 0 auto; }\n", count: 40)

    private static func get(
        _ handler: StaticFileHandler, _ path: String, method: String = "GET", headers: [(String, String)] = []
    ) -> HTTPResponse {
        handler.handle(HTTPRequest(method: method, target: path, path: path, headers: HTTPHeaders(headers)))
    }

    private static func makeTree() -> StaticFileTestTree {
        let tree = StaticFileTestTree()
        tree.directory("public")
        tree.write("public/app.css", css)
        tree.write("public/small.txt", "hi")
        tree.write("public/logo.png", [0x89, 0x50, 0x4E, 0x47] + [UInt8](repeating: 1, count: 600))
        tree.write("public/data.unknownext", "x")
        return tree
    }

    @Test func mediaTypesFollowTheExtension() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        #expect(Self.get(handler, "/static/app.css").headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(Self.get(handler, "/static/logo.png").headers["Content-Type"] == "image/png")
        #expect(Self.get(handler, "/static/data.unknownext").headers["Content-Type"] == "application/octet-stream")
        #expect(StaticFileMediaType.forPath("a/b.WOFF2").contentType == "font/woff2")
        #expect(StaticFileMediaType.forPath("x.svg").contentType == "image/svg+xml")
        #expect(StaticFileMediaType.forPath("x.js").contentType == "text/javascript; charset=utf-8")
        #expect(StaticFileMediaType.forPath("x.json").contentType == "application/json")
        #expect(StaticFileMediaType.forPath("x.ico").contentType == "image/x-icon")
        #expect(StaticFileMediaType.forPath("x.webp").contentType == "image/webp")
        #expect(StaticFileMediaType.forPath("x.pem").contentType == "application/x-pem-file")
    }

    @Test func fileIsServedWithValidatorsAndCachePolicy() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public", cacheControl: "public, max-age=60")
        let response = Self.get(handler, "/static/small.txt")
        #expect(response.status == 200)
        #expect(response.body == Array("hi".utf8))
        #expect(response.headers["Cache-Control"] == "public, max-age=60")
        let etag = response.headers["ETag"] ?? ""
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 2)
        #expect(HTTPDate.parse(response.headers["Last-Modified"] ?? "") != nil)
        #expect(response.headers["Content-Encoding"] == nil)
    }

    @Test func ifNoneMatchGives304() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        let etag = Self.get(handler, "/static/small.txt").headers["ETag"]!
        #expect(Self.get(handler, "/static/small.txt", headers: [("If-None-Match", etag)]).status == 304)
        #expect(Self.get(handler, "/static/small.txt", headers: [("If-None-Match", "\"x\", W/\(etag)")]).status == 304)
        #expect(Self.get(handler, "/static/small.txt", headers: [("If-None-Match", "*")]).status == 304)
        let other = Self.get(handler, "/static/small.txt", headers: [("If-None-Match", "\"other\"")])
        #expect(other.status == 200)
    }

    @Test func ifNoneMatchTakesPrecedenceOverIfModifiedSince() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        let response = Self.get(
            handler, "/static/small.txt",
            headers: [("If-None-Match", "\"other\""), ("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")])
        #expect(response.status == 200)
    }

    @Test func ifModifiedSinceComparesWithModificationTime() {
        let tree = Self.makeTree()
        tree.setModified("public/small.txt", seconds: 1_700_000_000)
        let handler = StaticFileHandler(root: tree.base + "/public")
        let lastModified = Self.get(handler, "/static/small.txt").headers["Last-Modified"]
        #expect(lastModified == "Tue, 14 Nov 2023 22:13:20 GMT")
        let same = Self.get(handler, "/static/small.txt", headers: [("If-Modified-Since", lastModified!)])
        #expect(same.status == 304)
        #expect(same.body.isEmpty)
        let earlier = Self.get(
            handler, "/static/small.txt", headers: [("If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")])
        #expect(earlier.status == 200)
        let garbage = Self.get(handler, "/static/small.txt", headers: [("If-Modified-Since", "yesterday")])
        #expect(garbage.status == 200)
    }

    @Test func gzipIsSentWhenAcceptedAndDecodesToTheFile() throws {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        let response = Self.get(handler, "/static/app.css", headers: [("Accept-Encoding", "br, gzip;q=0.8")])
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.headers["Vary"] == "Accept-Encoding")
        #expect(try Gzip.decompress(response.body, maxSize: 1 << 20) == Array(Self.css.utf8))
        let plain = Self.get(handler, "/static/app.css")
        #expect(plain.headers["Content-Encoding"] == nil)
        #expect(plain.body == Array(Self.css.utf8))
        #expect(plain.headers["ETag"] != response.headers["ETag"])
    }

    @Test func gzipIsNotSentWhenRefusedOrNotWorthIt() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        let refused = Self.get(handler, "/static/app.css", headers: [("Accept-Encoding", "gzip;q=0, *")])
        #expect(refused.headers["Content-Encoding"] == nil)
        let small = Self.get(handler, "/static/small.txt", headers: [("Accept-Encoding", "gzip")])
        #expect(small.headers["Content-Encoding"] == nil)
        let image = Self.get(handler, "/static/logo.png", headers: [("Accept-Encoding", "gzip")])
        #expect(image.headers["Content-Encoding"] == nil)
        #expect(image.headers["Vary"] == nil)
        #expect(StaticFileHandler.acceptsGzip(["*;q=0.5"]))
        #expect(!StaticFileHandler.acceptsGzip(["identity"]))
        #expect(!StaticFileHandler.acceptsGzip(["gzip;q=0.000"]))
    }

    @Test func changedFileReplacesTheCachedCopy() throws {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public", revalidationInterval: 0)
        let first = Self.get(handler, "/static/app.css", headers: [("Accept-Encoding", "gzip")])
        let changed = Self.css + "p { padding: 1px; }\n"
        tree.write("public/app.css", changed)
        let second = Self.get(handler, "/static/app.css", headers: [("Accept-Encoding", "gzip")])
        #expect(second.headers["ETag"] != first.headers["ETag"])
        #expect(try Gzip.decompress(second.body, maxSize: 1 << 20) == Array(changed.utf8))
        #expect(Self.get(handler, "/static/app.css").body == Array(changed.utf8))
    }

    @Test func cachedCopyIsServedWithinTheRevalidationInterval() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public", revalidationInterval: 3600)
        #expect(Self.get(handler, "/static/small.txt").body == Array("hi".utf8))
        tree.write("public/small.txt", "changed")
        #expect(Self.get(handler, "/static/small.txt").body == Array("hi".utf8))
        handler.purgeCache()
        #expect(Self.get(handler, "/static/small.txt").body == Array("changed".utf8))
    }

    @Test func deletedFileIsNoLongerServed() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public", revalidationInterval: 0)
        let path = tree.write("public/gone.txt", "soon gone")
        #expect(Self.get(handler, "/static/gone.txt").status == 200)
        unlinkForTest(path)
        #expect(Self.get(handler, "/static/gone.txt").status == 404)
    }

    @Test func onlyGetAndHeadAreAllowed() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        #expect(Self.get(handler, "/static/small.txt", method: "HEAD").status == 200)
        let post = Self.get(handler, "/static/small.txt", method: "POST")
        #expect(post.status == 405)
        #expect(post.headers["Allow"] == "GET, HEAD")
    }

    @Test func fileOverSizeLimitIsNotServed() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public", maxFileSize: 100)
        #expect(Self.get(handler, "/static/app.css").status == 404)
        #expect(Self.get(handler, "/static/small.txt").status == 200)
    }

    @Test func pathOutsidePrefixIsNotFound() {
        let tree = Self.makeTree()
        let handler = StaticFileHandler(root: tree.base + "/public")
        #expect(Self.get(handler, "/other/small.txt").status == 404)
        #expect(Self.get(handler, "/static/missing.txt").status == 404)
    }
}

private func unlinkForTest(_ path: String) {
    #expect(Glibc.unlink(path) == 0)
}
