import HTTPCore
import SystemKit

/// The whole log as a `text/plain` attachment: the rotated files oldest first
/// (`homepage.log.3` … `homepage.log.1`), then the current one. Each file is opened now and
/// streamed as the socket drains, never whole in memory; what is sent is each file as it was
/// when opened, even if the log rotates meanwhile.
enum LogDownload {
    static func response(logPath: String, fileName: String) -> HTTPResponse {
        let rotated = stride(from: LogFileSink.defaultRotatedFileCount, through: 1, by: -1).map { "\(logPath).\($0)" }
        // A file that is missing (no rotation yet) or unreadable is left out.
        let files = (rotated + [logPath]).compactMap { try? HTTPFileBody(path: $0) }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain; charset=utf-8")
        headers.add("Content-Disposition", "attachment; filename=\"\(fileName)\"")
        headers.add("Cache-Control", "no-store")
        headers.add("X-Content-Type-Options", "nosniff")
        return HTTPResponse(status: 200, headers: headers, bodyFiles: files)
    }
}
