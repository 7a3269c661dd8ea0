import Foundation
import Glibc
import TestSupport
import Testing

/// CONTRACT §8 on a real (namespaced) network, as root: the box runs in a network namespace
/// whose only LAN address is private and exists there alone; the test moves that address, and
/// plays the shop's DNS server with dnsmasq.
@Suite(.serialized, .enabled(if: NetworkNamespace.isAvailable, Comment(rawValue: NetworkNamespace.skipMessage)))
struct LANNamespaceTests {
    /// One box running inside `namespace`, with its data dir.
    final class NamespacedBox {
        let namespace: NetworkNamespace
        let data = TemporaryDirectory(prefix: "homepage-lan")
        private(set) var server: EndToEndServerProcess?

        init(namespace: NetworkNamespace) throws {
            self.namespace = namespace
            try start()
        }

        func start() throws {
            server = try EndToEndServerProcess(
                arguments: [
                    "--sandbox", "--bind", "0.0.0.0", "--http-port", "0", "--https-port", "0", "--data-dir",
                    data.file("data"), "--workers", "1",
                ], launcher: namespace.launcher)
        }

        func stop() { server?.stop() }

        var port: Int { server?.httpPort ?? 0 }

        func get(_ path: String, at address: String, host: String? = nil) throws -> (status: Int, body: String) {
            try namespace.get("http://\(address):\(port)\(path)", host: host ?? "\(address):\(port)")
        }

        func status(at address: String) throws -> [String: Any] {
            let answer = try get("/status.json", at: address)
            return try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        }

        /// Saves an eligible sandbox database's credentials as the settings form would, and
        /// waits until the HTTPS listener serves the certificate it brings.
        func obtainCertificate(at address: String) throws -> [String: Any] {
            let databases = try #require(try status(at: address).object("sandbox")?["databases"] as? [[String: Any]])
            let eligible = try #require(databases.first { $0["eligible"] as? Bool == true })
            // The form's token belongs to the session cookie the settings page sets.
            let origin = "http://\(address):\(port)"
            let jar = data.file("cookies")
            let settings = try namespace.exec([
                "curl", "-s", "--noproxy", "*", "-m", "10", "-c", jar, origin + "/settings",
            ])
            let token = try #require(settings.firstMatch(of: /name="csrf_token" value="([0-9a-f]+)"/)).1
            try namespace.exec([
                "curl", "-s", "--noproxy", "*", "-m", "30", "-o", "/dev/null", "-b", jar, "-H", "Origin: \(origin)",
                "--data-urlencode", "db_uuid=\(eligible.string("db_uuid") ?? "")",
                "--data-urlencode", "enterprise_code=\(eligible.string("enterprise_code") ?? "")",
                "--data-urlencode", "csrf_token=\(token)", origin + "/settings/credential",
            ])
            return try waitFor("an HTTPS certificate", at: address) {
                ($0["https_url"] as? String) != nil && $0.object("https")?["listening"] as? Bool == true
            }
        }

        @discardableResult
        func waitFor(
            _ what: String, at address: String, timeout: Duration = .seconds(30), _ condition: ([String: Any]) -> Bool
        ) throws -> [String: Any] {
            let deadline = ContinuousClock.now + timeout
            var last: [String: Any] = [:]
            while ContinuousClock.now < deadline {
                if let status = try? status(at: address) {
                    last = status
                    if condition(status) { return status }
                }
                usleep(100_000)
            }
            throw EndToEndBoxError.conditionNotMet(what: what, last: "\(last)")
        }
    }

    @Test func aMovedAddressIsFollowedWithinFiveSecondsAndTheOldOneIsRefused() throws {
        let namespace = try NetworkNamespace(address: "10.77.1.10")
        let box = try NamespacedBox(namespace: namespace)
        defer { box.stop() }
        let before = try box.obtainCertificate(at: "10.77.1.10")
        let subject = try #require(before.object("https")?.string("subject"))
        let domain = String(subject.dropFirst(2))
        #expect(before.string("ip") == "10.77.1.10")
        #expect(before.string("https_url")?.hasPrefix("https://10-77-1-10.\(domain):") == true)

        try namespace.ip(["addr", "del", "10.77.1.10/24", "dev", namespace.interface])
        try namespace.ip(["addr", "add", "10.77.1.20/24", "dev", namespace.interface])
        let moved = ContinuousClock.now

        let after = try box.waitFor("the new address", at: "10.77.1.20", timeout: .seconds(10)) {
            $0.string("ip") == "10.77.1.20"
        }
        let followed = ContinuousClock.now - moved
        print("LAN test: the box followed its new address after \(followed)")
        #expect(followed <= .seconds(5))
        #expect(after.string("https_url")?.hasPrefix("https://10-77-1-20.\(domain):") == true)
        let homepage = try box.get("/", at: "10.77.1.20")
        #expect(homepage.status == 200)
        #expect(homepage.body.contains("10.77.1.20"))
        #expect(homepage.body.contains("https://10-77-1-20.\(domain):"))
        // The old address names the box no more: a page still using it is refused.
        #expect(try box.get("/", at: "10.77.1.20", host: "10.77.1.10:\(box.port)").status == 421)
        #expect(try box.get("/status.json", at: "10.77.1.20", host: "10.77.1.10").status == 421)
    }

    /// dnsmasq inside the namespace, answering for the odoo-iot.com names as `rules` say. It
    /// runs as a daemon with its own pid file, stopped by that pid.
    final class DNSServer {
        let pidFile: String
        let pid: pid_t

        init(namespace: NetworkNamespace, directory: TemporaryDirectory, rules: [String]) throws {
            pidFile = directory.file("dnsmasq-\(UInt32.random(in: 0...UInt32.max)).pid")
            let arguments =
                [
                    "dnsmasq", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=\(pidFile)",
                    "--listen-address=127.0.0.53", "--bind-interfaces", "--port=53",
                ] + rules.map { "--address=\($0)" }
            try namespace.exec(["sh", "-c", arguments.joined(separator: " ") + " </dev/null >/dev/null 2>&1"])
            var read: pid_t = 0
            let deadline = ContinuousClock.now + .seconds(5)
            while read == 0 && ContinuousClock.now < deadline {
                read =
                    pid_t(
                        directory.read(URL(fileURLWithPath: pidFile).lastPathComponent)?.trimmingCharacters(
                            in: .whitespacesAndNewlines) ?? "") ?? 0
                if read == 0 { usleep(20_000) }
            }
            pid = read
            guard pid > 0 else { throw NetworkNamespace.Failure.command("dnsmasq", status: -1, output: "no pid file") }
        }

        func stop() {
            guard kill(pid, SIGTERM) == 0 else { return }
            let deadline = ContinuousClock.now + .seconds(5)
            while kill(pid, 0) == 0 && ContinuousClock.now < deadline { usleep(20_000) }
        }

        deinit { stop() }
    }

    @Test func theDNSCheckTellsOKMismatchAndUnresolvedAndThePageAdvises() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/dnsmasq") else {
            Issue.record("dnsmasq is missing: scripts/test installs dnsmasq-base")
            return
        }
        let namespace = try NetworkNamespace(address: "10.77.2.10")
        try namespace.setResolver("127.0.0.53")
        let files = TemporaryDirectory(prefix: "homepage-dns")
        var dnsServer = try DNSServer(namespace: namespace, directory: files, rules: ["/odoo-iot.com/"])
        let box = try NamespacedBox(namespace: namespace)
        defer { box.stop() }
        _ = try box.obtainCertificate(at: "10.77.2.10")

        func dns(_ expected: String) throws -> [String: Any] {
            let status = try box.waitFor("DNS state \(expected)", at: "10.77.2.10", timeout: .seconds(15)) {
                $0.object("dns")?.string("state") == expected
            }
            return try #require(status.object("dns"))
        }

        // The shop's DNS does not resolve the name.
        var report = try dns("unresolved")
        let name = try #require(report.string("name"))
        #expect(name.hasPrefix("10-77-2-10."))
        var page = try box.get("/", at: "10.77.2.10").body
        #expect(page.contains("id=\"dns-check\""))
        #expect(page.contains("the name does not resolve"))
        #expect(page.contains("Google DNS"))

        // It resolves the name to the box: the check runs again at start.
        box.stop()
        dnsServer.stop()
        dnsServer = try DNSServer(namespace: namespace, directory: files, rules: ["/\(name)/10.77.2.10"])
        try box.start()
        report = try dns("ok")
        #expect(report["addresses"] as? [String] == ["10.77.2.10"])
        page = try box.get("/", at: "10.77.2.10").body
        #expect(!page.contains("id=\"dns-check\""))

        // It resolves the name elsewhere.
        box.stop()
        dnsServer.stop()
        dnsServer = try DNSServer(namespace: namespace, directory: files, rules: ["/\(name)/10.77.2.99"])
        try box.start()
        report = try dns("mismatch")
        #expect(report["addresses"] as? [String] == ["10.77.2.99"])
        page = try box.get("/", at: "10.77.2.10").body
        #expect(page.contains("not to this box"))
        #expect(page.contains("Google DNS"))
        dnsServer.stop()
    }
}
