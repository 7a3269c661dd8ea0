/// The media type of a static file, chosen by its extension (case-insensitive), and whether
/// gzip is worth applying to it (text formats yes, already-compressed images and fonts no).
public struct StaticFileMediaType: Sendable, Equatable {
    public var contentType: String
    public var isCompressible: Bool

    public static let fallback = StaticFileMediaType(contentType: "application/octet-stream", isCompressible: false)

    public static func forPath(_ path: String) -> StaticFileMediaType {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return fallback }
        return byExtension[path[path.index(after: dot)...].lowercased()] ?? fallback
    }

    private static let byExtension: [String: StaticFileMediaType] = [
        "html": .init(contentType: "text/html; charset=utf-8", isCompressible: true),
        "htm": .init(contentType: "text/html; charset=utf-8", isCompressible: true),
        "css": .init(contentType: "text/css; charset=utf-8", isCompressible: true),
        "js": .init(contentType: "text/javascript; charset=utf-8", isCompressible: true),
        "mjs": .init(contentType: "text/javascript; charset=utf-8", isCompressible: true),
        "json": .init(contentType: "application/json", isCompressible: true),
        "map": .init(contentType: "application/json", isCompressible: true),
        "txt": .init(contentType: "text/plain; charset=utf-8", isCompressible: true),
        "xml": .init(contentType: "application/xml", isCompressible: true),
        "svg": .init(contentType: "image/svg+xml", isCompressible: true),
        "pem": .init(contentType: "application/x-pem-file", isCompressible: true),
        "ico": .init(contentType: "image/x-icon", isCompressible: true),
        "png": .init(contentType: "image/png", isCompressible: false),
        "jpg": .init(contentType: "image/jpeg", isCompressible: false),
        "jpeg": .init(contentType: "image/jpeg", isCompressible: false),
        "gif": .init(contentType: "image/gif", isCompressible: false),
        "webp": .init(contentType: "image/webp", isCompressible: false),
        "woff": .init(contentType: "font/woff", isCompressible: false),
        "woff2": .init(contentType: "font/woff2", isCompressible: false),
        "pdf": .init(contentType: "application/pdf", isCompressible: false),
        "wasm": .init(contentType: "application/wasm", isCompressible: true),
    ]
}
