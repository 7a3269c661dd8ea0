import CertService
import Glibc
import Logging
import Synchronization
import SystemKit

/// Where log lines go: `homepage.log` in the logs directory, size-capped and rotated to
/// `homepage.log.1` … `.N`, plus the most recent lines in memory for the `/logs` page, and the
/// systemd journal when the box runs as a service (`JournalStream`).
///
/// Lines are appended synchronously, one `write` per line on an `O_APPEND` descriptor. A line
/// is a few hundred bytes and lands in the page cache in microseconds, so even a call from an
/// event loop costs less than handling a request; in exchange no line is lost when the
/// process ends, which a background writer could not promise. Rotation (a few renames)
/// happens once per `maximumFileSize` bytes.
final class LogFileSink: Sendable {
    static let fileName = "homepage.log"
    static let defaultMaximumFileSize = 1 << 20
    static let defaultRotatedFileCount = 3
    static let defaultRingCapacity = 500
    /// Unicode scalars kept of one line; the rest is cut and marked.
    static let maximumLineLength = 4096

    let path: String
    private let maximumFileSize: Int
    private let rotatedFileCount: Int
    private let ringCapacity: Int
    private let journal: JournalStream?

    private struct State {
        var descriptor: Int32
        var fileSize: Int
        /// A ring: `ring[ringStart]` is the oldest line once the ring is full.
        var ring: [String]
        var ringStart: Int
        /// Values replaced by `[redacted]` wherever they appear in a line.
        var secrets: [String]
    }

    private let state: Mutex<State>

    /// Opens (creating 0700 if needed) `directory` and the log file in it.
    init(
        directory: String, maximumFileSize: Int = LogFileSink.defaultMaximumFileSize,
        rotatedFileCount: Int = LogFileSink.defaultRotatedFileCount,
        ringCapacity: Int = LogFileSink.defaultRingCapacity,
        journal: JournalStream? = nil
    ) throws(FileError) {
        self.journal = journal
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw FileError(operation: "mkdir", path: directory, code: errno)
        }
        path = "\(directory)/\(Self.fileName)"
        self.maximumFileSize = maximumFileSize
        self.rotatedFileCount = rotatedFileCount
        self.ringCapacity = max(1, ringCapacity)
        let descriptor = try Self.openLog(path)
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        state = Mutex(State(descriptor: descriptor, fileSize: size, ring: [], ringStart: 0, secrets: []))
    }

    deinit {
        _ = state.withLock { close($0.descriptor) }
    }

    /// Values that must never reach the log (the enterprise code); replaces the previous list.
    func setSecrets(_ secrets: [String]) {
        let kept = secrets.filter { !$0.isEmpty }
        state.withLock { $0.secrets = kept }
    }

    /// Appends one line; `level`, when given, is its priority in the journal.
    func append(_ line: String, level: Logger.Level? = nil) {
        state.withLock { state in
            var text = Self.escapingControls(line)
            text = SecretRedaction.redacting(state.secrets, in: text)
            // Cut after redacting, so a secret is never cut in half and left readable.
            if text.utf8.count > Self.maximumLineLength, text.unicodeScalars.count > Self.maximumLineLength {
                text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(Self.maximumLineLength))) + " … [cut]"
            }
            if state.ring.count < ringCapacity {
                state.ring.append(text)
            } else {
                state.ring[state.ringStart] = text
                state.ringStart = (state.ringStart + 1) % ringCapacity
            }
            let bytes = Array((text + "\n").utf8)
            if state.fileSize > 0, state.fileSize + bytes.count > maximumFileSize {
                rotate(&state)
            }
            let written = bytes.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) }
            if written > 0 { state.fileSize += written }
            if let journal, let level { journal.write(text, level: level) }
        }
    }

    /// `line` with every character that could end the line or drive a terminal written as
    /// visible text (`\n`, `\u{1B}`): messages carry text from requests and from the
    /// certificate service, which must not forge a line of their own or reach the terminal of
    /// whoever reads the file. Line separators and bidirectional overrides count too, since
    /// they change how the line reads.
    static func escapingControls(_ line: String) -> String {
        func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09: return false
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
        guard line.unicodeScalars.contains(where: isUnsafe) else { return line }
        var output = ""
        output.reserveCapacity(line.utf8.count + 16)
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case _ where isUnsafe(scalar):
                output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// The lines in memory, oldest first.
    func recentLines() -> [String] {
        state.withLock { state in
            Array(state.ring[state.ringStart...] + state.ring[..<state.ringStart])
        }
    }

    /// Shifts `.1` … `.N-1` up by one (dropping `.N`), moves the log to `.1`, starts a new log.
    /// If the new file cannot be opened the old descriptor is kept, so logging goes on.
    private func rotate(_ state: inout State) {
        if rotatedFileCount > 0 {
            for index in stride(from: rotatedFileCount - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
        guard let descriptor = try? Self.openLog(path) else { return }
        close(state.descriptor)
        state.descriptor = descriptor
        state.fileSize = 0
    }

    private static func openLog(_ path: String) throws(FileError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        return descriptor
    }
}
