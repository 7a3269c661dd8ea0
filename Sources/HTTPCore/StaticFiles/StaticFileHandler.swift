import Synchronization

/// Serves the files under one directory for GET and HEAD, like a small nginx `location`.
///
/// Files up to `streamingThreshold` are read whole and kept in memory with their gzip form,
/// compressed once per file version. A cached file is checked against the disk (stat) at most
/// once per `revalidationInterval`, so a busy loop does no file system calls at all, and an
/// edited file is picked up within that interval. A bigger file (up to `maxFileSize`; past
/// it: 404) is never held in memory: each request opens it and its body is streamed from the
/// file in chunks as the client reads (`HTTPFileBody`), without gzip.
///
/// Refused with 404 and never opened: `.`/`..` segments, any dot file, encoded or raw
/// separators and backslashes inside a segment, NUL, directories, and paths whose real
/// path (symlinks followed) is outside the root. A malformed `%` escape is a 400.
public final class StaticFileHandler: Sendable {
    /// The root directory's real path.
    public let root: String
    public let urlPrefix: String
    public let cacheControl: String
    public let maxFileSize: Int
    /// Files at or below this size are sent uncompressed: gzip would not pay for itself.
    public let gzipMinimumSize: Int
    public let revalidationInterval: Double
    /// Files above this size are streamed from the disk instead of cached in memory.
    public let streamingThreshold: Int

    private let cache = Mutex<[String: CachedStaticFile]>([:])

    public init(
        root: String, urlPrefix: String = "/static/", cacheControl: String = "public, max-age=3600",
        maxFileSize: Int = 8 * 1024 * 1024, gzipMinimumSize: Int = 256, revalidationInterval: Double = 1,
        streamingThreshold: Int = 256 * 1024
    ) {
        self.streamingThreshold = streamingThreshold
        self.root = StaticFileLoader.realPath(root) ?? root
        self.urlPrefix = urlPrefix
        self.cacheControl = cacheControl
        self.maxFileSize = maxFileSize
        self.gzipMinimumSize = gzipMinimumSize
        self.revalidationInterval = revalidationInterval
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            var headers = HTTPHeaders()
            headers.add("Allow", "GET, HEAD")
            return HTTPResponse(status: 405, headers: headers)
        }
        guard request.path.hasPrefix(urlPrefix) else { return Self.plain(404) }
        let relative: String
        do {
            relative = try StaticFilePath.relativePath(request.path.dropFirst(urlPrefix.count))
        } catch .malformedEncoding {
            return Self.plain(400)
        } catch {
            return Self.plain(404)
        }
        switch lookUp(relative) {
        case .cached(let file): return response(for: file, request: request)
        case .streamed(let path): return streamedResponse(path: path, relative: relative, request: request)
        case .missing: return Self.plain(404)
        }
    }

    /// Drops every cached file (the next request of each reads it again).
    public func purgeCache() {
        cache.withLock { $0.removeAll() }
    }

    /// A big file: opened now, its validators from the open descriptor, its body streamed.
    private func streamedResponse(path: String, relative: String, request: HTTPRequest) -> HTTPResponse {
        guard let (descriptor, identity) = try? StaticFileLoader.open(path, maxSize: maxFileSize) else {
            return Self.plain(404)
        }
        // Owns the descriptor from here: closed once the answer is sent or dropped.
        let file = HTTPFileBody(descriptor: descriptor, length: identity.size)
        let etag = "\"\(Self.stamp(identity))\""
        var headers = HTTPHeaders()
        headers.add("ETag", etag)
        headers.add("Last-Modified", HTTPDate.format(identity.seconds))
        headers.add("Cache-Control", cacheControl)
        if Self.isNotModified(etag: etag, gzipETag: nil, modifiedSeconds: identity.seconds, request.headers) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.add("Content-Type", StaticFileMediaType.forPath(relative).contentType)
        return HTTPResponse(status: 200, headers: headers, bodyFiles: [file])
    }

    private func response(for file: CachedStaticFile, request: HTTPRequest) -> HTTPResponse {
        let useGzip = file.gzipped != nil && Self.acceptsGzip(request.headers.values(for: "Accept-Encoding"))
        var headers = HTTPHeaders()
        headers.add("ETag", useGzip ? file.gzipETag : file.etag)
        headers.add("Last-Modified", file.lastModified)
        headers.add("Cache-Control", cacheControl)
        if file.mediaType.isCompressible { headers.add("Vary", "Accept-Encoding") }
        if Self.isNotModified(
            etag: file.etag, gzipETag: file.gzipETag, modifiedSeconds: file.modifiedSeconds, request.headers)
        {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.add("Content-Type", file.mediaType.contentType)
        if useGzip, let gzipped = file.gzipped {
            headers.add("Content-Encoding", "gzip")
            return HTTPResponse(status: 200, headers: headers, body: gzipped)
        }
        return HTTPResponse(status: 200, headers: headers, body: file.content)
    }

    /// RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison, either
    /// coding's tag matches); only without it does If-Modified-Since count.
    private static func isNotModified(
        etag: String, gzipETag: String?, modifiedSeconds: Int, _ headers: HTTPHeaders
    ) -> Bool {
        let noneMatch = headers.values(for: "If-None-Match")
        if !noneMatch.isEmpty {
            for value in noneMatch {
                for element in value.split(separator: ",") {
                    var tag = element.trimmingASCIIWhitespace()
                    if tag == "*" { return true }
                    if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
                    if tag == etag || gzipETag.map({ tag == $0 }) == true { return true }
                }
            }
            return false
        }
        guard let since = headers["If-Modified-Since"], let date = HTTPDate.parse(since) else { return false }
        return modifiedSeconds <= date
    }

    /// Whether gzip is acceptable: listed (or `*`) with a q-value above zero. An explicit
    /// `gzip;q=0` wins over `*`.
    public static func acceptsGzip(_ values: [String]) -> Bool {
        var gzipQuality: Double?
        var anyQuality: Double?
        for value in values {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";")
                guard let coding = parts.first?.trimmingASCIIWhitespace() else { continue }
                var quality = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.trimmingASCIIWhitespace()
                    if pair.hasPrefix("q=") || pair.hasPrefix("Q=") {
                        quality = Double(pair.dropFirst(2)) ?? 0
                    }
                }
                if coding.equalsIgnoringASCIICase("gzip") || coding.equalsIgnoringASCIICase("x-gzip") {
                    gzipQuality = max(gzipQuality ?? 0, quality)
                } else if coding == "*" {
                    anyQuality = quality
                }
            }
        }
        return (gzipQuality ?? anyQuality ?? 0) > 0
    }

    private static func plain(_ status: Int) -> HTTPResponse {
        HTTPResponse(
            status: status, contentType: "text/plain; charset=utf-8",
            body: HTTPStatus.reasonPhrase(for: status) + "\n")
    }

    // MARK: - Cache

    /// A strong validator from size and modification time, hex like nginx.
    private static func stamp(_ identity: StaticFileLoader.Identity) -> String {
        String(identity.size, radix: 16) + "-" + String(identity.seconds, radix: 16) + "-"
            + String(identity.nanoseconds, radix: 16)
    }

    private enum LookUp {
        case cached(CachedStaticFile)
        /// Too big to keep in memory: served from the file at this real path.
        case streamed(String)
        case missing
    }

    private func lookUp(_ relative: String) -> LookUp {
        if let file = cachedFile(relative) { return .cached(file) }
        guard let path = try? StaticFileLoader.resolve(root: root, relative: relative),
            let identity = try? StaticFileLoader.identity(of: path, maxSize: maxFileSize),
            identity.size > streamingThreshold
        else { return .missing }
        return .streamed(path)
    }

    /// The file for `relative`, from memory when checked recently, else after a stat, else
    /// read afresh. The lock is never held during file system calls.
    private func cachedFile(_ relative: String) -> CachedStaticFile? {
        let now = StaticFileLoader.monotonicSeconds()
        let cached = cache.withLock { $0[relative] }
        if let cached, now - cached.checkedAt < revalidationInterval { return cached }
        do {
            let path = try StaticFileLoader.resolve(root: root, relative: relative)
            if var cached {
                let identity = try StaticFileLoader.identity(of: path, maxSize: min(maxFileSize, streamingThreshold))
                if identity
                    == .init(
                        size: cached.size, seconds: cached.modifiedSeconds, nanoseconds: cached.modifiedNanoseconds)
                {
                    cached.checkedAt = now
                    cache.withLock { $0[relative] = cached }
                    return cached
                }
            }
            let file = try load(path: path, relative: relative, now: now)
            cache.withLock { $0[relative] = file }
            return file
        } catch {
            cache.withLock { _ = $0.removeValue(forKey: relative) }
            return nil
        }
    }

    private func load(path: String, relative: String, now: Double) throws(StaticFileLoader.Failure)
        -> CachedStaticFile
    {
        let (identity, content) = try StaticFileLoader.readWhole(path, maxSize: min(maxFileSize, streamingThreshold))
        let mediaType = StaticFileMediaType.forPath(relative)
        var gzipped: [UInt8]?
        if mediaType.isCompressible && content.count > gzipMinimumSize,
            let compressed = try? Gzip.compress(content), compressed.count < content.count
        {
            gzipped = compressed
        }
        // Strong validator from size and modification time, hex like nginx; the gzip form
        // is another representation, so it gets its own tag.
        let stamp = Self.stamp(identity)
        return CachedStaticFile(
            size: identity.size, modifiedSeconds: identity.seconds, modifiedNanoseconds: identity.nanoseconds,
            content: content, gzipped: gzipped, mediaType: mediaType, etag: "\"\(stamp)\"",
            gzipETag: "\"\(stamp)-gz\"", lastModified: HTTPDate.format(identity.seconds), checkedAt: now)
    }
}
