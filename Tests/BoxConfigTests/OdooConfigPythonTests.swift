import Foundation
import Testing

@testable import BoxConfig

/// `OdooConfig` against the reader on the other side: Python's `configparser.RawConfigParser`
/// (strict, as Odoo reads `odoo.conf`), run on the same files. Every value Python reads must
/// read the same here, and a file Python refuses must be refused here.
@Suite struct OdooConfigPythonTests {
    static let samples: [String] = [
        "[options]\naddons_path = /a,\n    /b\n\n    /c\n# note\n\nlog_level = info\n",
        "[iot.box]\r\nremote_server = https://a.example\r\ndb_uuid = x\rsubject = y\r\n",
        "[iot.box]\nsubject =\u{A0}x\u{3000}\u{1F}\ndb_uuid\u{A0}: y\n",
        "[iot.box]\nsubject = x\n\u{2003}db_uuid: y\n",
        "[iot.box] ; written by the box\ndb_uuid = x\n",
        "[iot.box]\n  [options]\n  a = 1\n",
        "[iot.box]\n    a = 1\n    b = 2\n  c = 3\n      d\n",
        "[iot.box]\na = 1\n\t; a comment inside\n\tgoes on\n",
        "[iot.box]\nkey = a = b : c\nother: x = y\n",
        "[iot.box]\nempty =\nalso_empty:\n",
        "[x]]\nk = v\n[[y]\nk = v\n",
        "[iot.box]\nsubject = a\u{2028}b\u{85}c\u{B}d\u{C}\n",
        "[iot.box]\nlog_level = \u{301}M1\n",
        "[Iot.Box]\nKey = v\n[iot.box]\nKEY = w\n",
        "[iot.box]\nsubject = a\n  [options]\n",
        "[a]\nk = 1\n\n\n  continued after blanks\n[b]\nk = 2\n",
        // Refused by both.
        "[iot.box\n",
        "key = value\n",
        "[iot.box]\ndb_uuid = a\nDB_UUID = b\n",
        "[options]\n\n[options]\n",
        "[iot.box]\nno separator here\n",
        "[iot.box]\n = value\n",
        "\u{FEFF}[iot.box]\nk = v\n",
    ]

    /// Per sample, Python's sections (name -> key -> value), or nil when it refused the file.
    static func pythonReadings(of samples: [String]) throws -> [[String: [String: String]]?] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("odoo-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, sample) in samples.enumerated() {
            let url = directory.appendingPathComponent("\(index).conf")
            try Data(sample.utf8).write(to: url)
            paths.append(url.path)
        }
        let script = """
            import configparser, json, sys
            out = []
            for path in sys.argv[1:]:
                parser = configparser.RawConfigParser()
                try:
                    parser.read(path, encoding="utf-8")
                    out.append({s: dict(parser.items(s)) for s in parser.sections()})
                except configparser.Error:
                    out.append(None)
            sys.stdout.write(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + paths
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let readings = try JSONSerialization.jsonObject(with: data) as? [Any]
        else { throw PythonFailed() }
        return readings.map { $0 as? [String: [String: String]] }
    }

    struct PythonFailed: Error {}

    @Test func readsEveryValueAsPythonsConfigparserDoes() throws {
        let readings = try Self.pythonReadings(of: Self.samples)
        for (sample, python) in zip(Self.samples, readings) {
            let ours = try? OdooConfig(parsing: sample)
            guard let python else {
                #expect(ours == nil, "Python refuses \(sample.debugDescription)")
                continue
            }
            guard let ours else {
                Issue.record("refused, but Python reads \(sample.debugDescription)")
                continue
            }
            for (section, values) in python {
                for (key, value) in values {
                    // An empty value reads as "not set" here.
                    #expect(
                        ours.value(section: section, key: key) == (value.isEmpty ? nil : value),
                        "[\(section)] \(key) in \(sample.debugDescription)")
                }
            }
        }
    }

    @Test func whatTheWriterWritesPythonReadsTheSame() throws {
        var configs: [OdooConfig] = []
        for sample in Self.samples {
            guard var config = try? OdooConfig(parsing: sample) else { continue }
            config[.dbUUID] = "  0f3c1c2e-5d7a-4b8e-9a61-2f0c9d3e7b14\r\n"
            config[.enterpriseCode] = "M2211445566\n[evil]\nx = 1"
            config[.subject] = nil
            configs.append(config)
        }
        let readings = try Self.pythonReadings(of: configs.map(\.text))
        for (config, python) in zip(configs, readings) {
            let box = try #require(python?[OdooConfig.boxSection], "Python refuses \(config.text.debugDescription)")
            #expect(box["db_uuid"] == config[.dbUUID], "\(config.text.debugDescription)")
            #expect(box["enterprise_code"] == config[.enterpriseCode], "\(config.text.debugDescription)")
            #expect(box["subject"] == nil, "\(config.text.debugDescription)")
            #expect(python?.keys.contains("evil") == false)
        }
    }
}
