import Foundation
import Glibc
import HTTPCore
import TestSupport
import Testing

/// CONTRACT §8, power cuts: hundreds of certificate renewals, each cut by SIGKILL at a random
/// moment; after every restart the leaf served on the HTTPS port is the leaf of `tls/cert.pem`,
/// whose key is `tls/key.pem`'s.
@Suite struct PowerCutTests {
    /// Rounds in one run: 30 inside the parallel suite; `scripts/test` runs this suite again on
    /// its own with `POWER_CUT_ROUNDS=200` (about 2 minutes on an idle machine).
    static var rounds: Int { ProcessInfo.processInfo.environment["POWER_CUT_ROUNDS"].flatMap(Int.init) ?? 30 }

    /// The serial of the leaf a TLS client is served on `port`, as `openssl s_client` sees it.
    static func servedSerial(port: Int) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "openssl s_client -connect 127.0.0.1:\(port) -servername localhost </dev/null 2>/dev/null"
                + " | openssl x509 -noout -serial 2>/dev/null",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        try? output.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first, line.hasPrefix("serial=") else { return nil }
        return normalised(line.dropFirst("serial=".count))
    }

    static func normalised(_ serial: some StringProtocol) -> String {
        let digits = serial.lowercased().drop { $0 == "0" }
        return digits.isEmpty ? "0" : String(digits)
    }

    /// The stored leaf's serial, and whether the stored key is its key.
    static func storedPair(in data: String) throws -> (serial: String, keyMatches: Bool) {
        let chain = try X509Certificate.parseChain(
            pem: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/tls/cert.pem"))))
        let key = try PrivateKey(pem: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/tls/key.pem"))))
        return (normalised(chain[0].serialNumberHex), chain[0].matches(key))
    }

    @Test func everyRenewalCutShortLeavesTheServedLeafEqualToTheStoredOne() throws {
        let box = try EndToEndBox()
        // Five-day certificates are always due for renewal: every start and every "Check now"
        // replaces the pair.
        try #"{"validity_days": 5}"#.write(
            toFile: box.dataDirectory + "/sandbox/knobs.json", atomically: true, encoding: .utf8)
        let databases = try #require(try box.client.status().object("sandbox")?["databases"] as? [[String: Any]])
        let eligible = try #require(databases.first { $0["eligible"] as? Bool == true })
        _ = try box.client.submit(
            "/settings/credential",
            [
                ("db_uuid", eligible.string("db_uuid") ?? ""),
                ("enterprise_code", eligible.string("enterprise_code") ?? ""),
            ])

        var kills = 0
        var mismatches: [String] = []
        var renewalsSeen = Set<String>()
        var generator = SystemRandomNumberGenerator()
        let started = ContinuousClock.now
        for round in 1...Self.rounds {
            // Settled: the first check after the start has run, and HTTPS is open.
            let status: [String: Any]
            do {
                status = try box.waitForStatus("a settled box", timeout: .seconds(20)) {
                    $0.object("certificate")?["last_check"] is String
                        && $0.object("https")?["listening"] as? Bool == true
                }
            } catch {
                mismatches.append("round \(round): never settled: \(error)")
                try box.restart()
                continue
            }
            let port = try #require(status.object("https")?["port"] as? Int)
            let served = try Self.servedSerial(port: port)
            let stored = try Self.storedPair(in: box.dataDirectory)
            renewalsSeen.insert(stored.serial)
            if served != stored.serial || !stored.keyMatches
                || Self.normalised(status.object("https")?.string("serial") ?? "") != stored.serial
            {
                mismatches.append(
                    "round \(round): served \(served ?? "nothing"), stored \(stored.serial), key matches \(stored.keyMatches)"
                )
            }
            // A renewal now, cut short at a random moment of it.
            _ = try box.client.submit("/certificate/check")
            usleep(UInt32.random(in: 0..<250_000, using: &generator))
            kill(box.server.process.processIdentifier, SIGKILL)
            box.server.process.waitUntilExit()
            kills += 1
            try box.restart()
        }
        print(
            "power-cut test: \(kills) kills, \(mismatches.count) mismatches, \(renewalsSeen.count) different leaves stored,"
                + " \(ContinuousClock.now - started)")
        for mismatch in mismatches { print("power-cut test: \(mismatch)") }
        #expect(kills == Self.rounds)
        #expect(mismatches.isEmpty)
        #expect(renewalsSeen.count > Self.rounds / 2, "most rounds stored a new leaf")
    }
}
