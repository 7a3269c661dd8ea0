import BoxConfig
import Glibc
import Logging
import TestSupport
import Testing

@testable import HomepageServer

@Suite struct LoggingTests {
    private func logger(_ label: String, sink: LogFileSink, level: SharedLogLevel) -> Logger {
        Logger(label: label) { label in HomepageLogHandler(label: label, sink: sink, sharedLevel: level) }
    }

    @Test func linesGoToTheFileAndTheRing() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.file("logs"))
        let log = logger("cert", sink: sink, level: SharedLogLevel(.info))
        log.info("check started", metadata: ["reason": "visit"])
        log.debug("not recorded")
        let lines = sink.recentLines()
        #expect(lines.count == 1)
        #expect(lines[0].hasSuffix(" INFO [cert] check started reason=visit"))
        #expect(directory.read("logs/homepage.log") == lines[0] + "\n")
        #expect(directory.mode(of: "logs") == 0o700)
        #expect(directory.mode(of: "logs/homepage.log") == 0o600)
    }

    @Test func ringKeepsOnlyTheNewestLinesInOrder() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path, ringCapacity: 3)
        for index in 1...5 { sink.append("line \(index)") }
        #expect(sink.recentLines() == ["line 3", "line 4", "line 5"])
    }

    @Test func fileRotatesAtItsCapAndKeepsThreeOldFiles() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path, maximumFileSize: 20, rotatedFileCount: 3)
        for index in 1...6 { sink.append("line number \(index)") }  // 14 bytes each: one per file
        #expect(directory.read("homepage.log") == "line number 6\n")
        #expect(directory.read("homepage.log.1") == "line number 5\n")
        #expect(directory.read("homepage.log.3") == "line number 3\n")
        #expect(directory.read("homepage.log.4") == nil)
        #expect(directory.entries() == ["homepage.log", "homepage.log.1", "homepage.log.2", "homepage.log.3"])
    }

    @Test func changingTheLevelReachesEveryLoggerAtOnce() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path)
        let level = SharedLogLevel(.warning)
        let cert = logger("cert", sink: sink, level: level)
        var web = logger("web", sink: sink, level: level)
        cert.info("hidden")
        web.logLevel = .debug
        cert.debug("now shown")
        level.current = .error
        web.warning("hidden again")
        #expect(sink.recentLines().count == 1)
        #expect(sink.recentLines()[0].hasSuffix("[cert] now shown"))
    }

    @Test func enterpriseCodeNeverReachesTheLog() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path)
        sink.setSecrets(["M1234567890"])
        let log = logger("web", sink: sink, level: SharedLogLevel(.info))
        log.info("saved code M1234567890", metadata: ["enterprise_code": "OTHER-CODE"])
        let content = directory.read("homepage.log") ?? ""
        #expect(!content.contains("M1234567890"))
        #expect(!content.contains("OTHER-CODE"))
        #expect(content.contains("saved code [redacted] enterprise_code=[redacted]"))
    }

    /// A certificate service's message or a request value may carry line breaks or terminal
    /// escapes: it must stay on its own line, visibly escaped, so it cannot forge a line or
    /// drive the terminal of whoever reads the file.
    @Test func controlCharactersCannotForgeLinesOrReachATerminal() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path)
        let log = logger("cert", sink: sink, level: SharedLogLevel(.info))
        let forged = "refused\r\n2026-01-01T00:00:00Z ERROR [homepage] forged\u{1B}]0;title\u{07}\u{9B}2J\u{2028}end"
        log.warning("service said: \(forged)", metadata: ["detail": "\(forged)"])
        let content = directory.read("homepage.log") ?? ""
        #expect(content.utf8.split(separator: UInt8(ascii: "\n")).count == 1)
        #expect(!content.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!content.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 })
        #expect(content.contains("refused\\r\\n2026-01-01T00:00:00Z ERROR [homepage] forged\\u{1B}]0;title\\u{7}"))
        #expect(sink.recentLines().count == 1)
        #expect(!sink.recentLines()[0].contains("\u{1B}"))
    }

    /// A certificate service may answer with a message of up to a megabyte, logged on every
    /// retry: one such line must not push every other line out of the file and the ring.
    @Test func aHugeMessageIsCutSoItCannotFlushTheLog() throws {
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path)
        sink.append("first line")
        sink.append("service said: " + String(repeating: "x", count: 1 << 20))
        let lines = sink.recentLines()
        #expect(lines.count == 2)
        #expect(lines[1].utf8.count <= LogFileSink.maximumLineLength + 64)
        #expect(lines[1].hasSuffix("[cut]"))
        #expect(directory.read("homepage.log")?.hasPrefix("first line\n") == true)
    }

    @Test func levelNamesMapToSwiftLogLevels() {
        #expect(BoxLogLevel(named: "WARNING")?.loggerLevel == .warning)
        #expect(BoxLogLevel(named: "debug")?.loggerLevel == .debug)
        #expect(BoxLogLevel(named: "trace") == nil)
        #expect(BoxLogLevel(.notice) == .info)
        #expect(BoxLogLevel.names == ["debug", "info", "warning", "error"])
    }
}

@Suite struct JournalStreamTests {
    @Test func stderrIsTheJournalOnlyWhenJournalStreamNamesIt() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        var info = stat()
        #expect(fstat(ends[1], &info) == 0)
        let named = "\(info.st_dev):\(info.st_ino)"
        #expect(JournalStream.detect(environment: named, descriptor: ends[1])?.descriptor == ends[1])
        #expect(JournalStream.detect(environment: nil, descriptor: ends[1]) == nil)
        #expect(JournalStream.detect(environment: "\(info.st_dev):\(info.st_ino + 1)", descriptor: ends[1]) == nil)
        #expect(JournalStream.detect(environment: "garbage", descriptor: ends[1]) == nil)
    }

    @Test func linesReachTheJournalRedactedWithTheirPriority() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let directory = TemporaryDirectory()
        let sink = try LogFileSink(directory: directory.path, journal: JournalStream(descriptor: ends[1]))
        sink.setSecrets(["s3cret-code"])
        let log = Logger(label: "cert") {
            HomepageLogHandler(label: $0, sink: sink, sharedLevel: SharedLogLevel(.info))
        }
        log.warning("refused code s3cret-code\nforged line")
        log.info("check started")
        log.debug("not recorded")
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(ends[0], &buffer, buffer.count)
        let text = String(decoding: buffer[0..<max(count, 0)], as: UTF8.self)
        #expect(
            text == "<4>WARNING [cert] refused code [redacted]\\nforged line\n<6>INFO [cert] check started\n")
        #expect(directory.read("homepage.log")?.contains("WARNING [cert] refused code [redacted]") == true)
    }
}
