import Foundation
import Glibc
import TestSupport
import Testing

/// The Host rules of issue 14 through the built executable, with requests written byte by byte
/// as a client may send them: HTTP/1.0 without Host is served as the box's own address, an
/// invalid Host is 400 (RFC 9112 §3.2) on the page path too, and a certificate whose domain
/// has fewer than three labels (`*.com`) opens no Host names.
@Suite struct EndToEndHostRulesTests {
    /// Writes `request` to 127.0.0.1:`port` and reads until the box closes the connection.
    static func exchange(_ request: String, port: Int) throws -> (status: Int, text: String) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw EndToEndBoxError.conditionNotMet(what: "a socket", last: "\(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw EndToEndBoxError.conditionNotMet(what: "a connection", last: "\(errno)") }
        let bytes = Array(request.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw EndToEndBoxError.conditionNotMet(what: "the request written", last: "\(errno)")
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { break }
            answer += chunk[0..<count]
        }
        let text = String(decoding: answer, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" }.split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw EndToEndBoxError.conditionNotMet(what: "a status line", last: text)
        }
        return (status, text)
    }

    @Test func http10WithoutHostIsServedAsTheBoxsOwnAddress() throws {
        let box = try EndToEndBox()
        let port = box.server.httpPort
        for path in ["/", "/settings", "/status.json", "/logs"] {
            let answer = try Self.exchange("GET \(path) HTTP/1.0\r\n\r\n", port: port)
            #expect(answer.status == 200, "HTTP/1.0 GET \(path) without Host")
        }
        #expect(try Self.exchange("GET /status.json HTTP/1.0\r\n\r\n", port: port).text.contains("\"identifier\""))
        // A form too: its session and token, and no Host.
        let token = try box.client.csrfToken()
        let cookie = try #require(box.sessionCookie.pair)
        let body = "csrf_token=\(token)&level=info"
        let saved = try Self.exchange(
            "POST /settings/log-level HTTP/1.0\r\nCookie: \(cookie)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)",
            port: port)
        #expect(saved.status == 303)
        #expect(try box.client.status().string("log_level") == "info")
    }

    @Test func http11WithoutHostIsRefused() throws {
        let box = try EndToEndBox()
        let answer = try Self.exchange("GET /settings HTTP/1.1\r\nConnection: close\r\n\r\n", port: box.server.httpPort)
        #expect(answer.status == 400)
        #expect(!answer.text.contains("csrf_token"))
    }

    @Test(arguments: ["bad/host name", "bad host", "user@127.0.0.1", "127.0.0.1:99999", "[::1", ""])
    func anInvalidHostIsA400OnThePagePath(_ host: String) throws {
        let box = try EndToEndBox()
        let port = box.server.httpPort
        for path in ["/", "/settings"] {
            let answer = try Self.exchange(
                "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n", port: port)
            #expect(answer.status == 400, "GET \(path) with Host \(host)")
            #expect(!answer.text.contains("csrf_token"))
        }
        let form = try Self.exchange(
            "POST /settings/log-level HTTP/1.1\r\nHost: \(host)\r\nContent-Length: 11\r\nConnection: close\r\n\r\nlevel=debug",
            port: port)
        #expect(form.status == 400)
        #expect(try box.client.status().string("log_level") == "warning")
    }

    @Test func aCertificateForStarDotComOpensNoHostNames() throws {
        let files = TemporaryDirectory()
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", files.file("key.pem"), "-out", files.file("cert.pem"), "-days", "60", "-subj", "/CN=*.com",
            "-addext", "subjectAltName=DNS:*.com",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)

        let box = try EndToEndBox(extraArguments: [
            "--cert-file", files.file("cert.pem"), "--key-file", files.file("key.pem"),
        ])
        // The certificate is in service: the Host check has its subject.
        try box.waitForStatus("the *.com certificate served") {
            $0.object("https")?["listening"] as? Bool == true && $0.object("certificate")?.string("subject") == "*.com"
        }
        let port = box.server.httpPort
        for host in ["evil.com", "www.evil.com", "evil.com:\(port)", "com"] {
            #expect(try box.client.get("/", host: host).status == 421, "Host \(host)")
            #expect(try box.client.get("/status.json", host: host).status == 421, "Host \(host)")
        }
        #expect(try box.client.get("/", host: "127.0.0.1:\(port)").status == 200)
        #expect(try box.client.get("/", host: "localhost").status == 200)
    }
}
