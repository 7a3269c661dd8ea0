import Glibc
import Logging

/// The systemd journal, when it is the other end of stderr: systemd then sets
/// `JOURNAL_STREAM=DEVICE:INODE` to name that stream. Log lines also go there, each with its
/// syslog priority as a `<N>` prefix (which journald reads and strips), so `journalctl -u
/// iot-box-homepage` shows what the log file shows and `-p warning` filters it. Started by
/// hand, with stderr on a terminal or a file, the box writes nothing more there.
struct JournalStream: Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// stderr, when `environment` (the value of `JOURNAL_STREAM`) names it.
    static func detect(
        environment: String? = getenv("JOURNAL_STREAM").map { String(cString: $0) },
        descriptor: Int32 = STDERR_FILENO
    ) -> JournalStream? {
        guard let environment else { return nil }
        let parts = environment.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else {
            return nil
        }
        return JournalStream(descriptor: descriptor)
    }

    /// syslog's priorities: 7 debug … 2 critical.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One line, already redacted and escaped; the journal keeps its own time, so the line's
    /// leading timestamp is left out.
    func write(_ line: String, level: Logger.Level) {
        let body = line.split(separator: " ", maxSplits: 1).last.map(String.init) ?? line
        let bytes = Array("<\(Self.priority(level))>\(body)\n".utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
