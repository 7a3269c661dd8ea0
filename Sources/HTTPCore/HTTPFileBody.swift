import Glibc
import SystemKit

/// A response body read from an open file in chunks as the socket drains, never whole in
/// memory: for big static files and downloads. The descriptor is opened when the handler
/// answers, so the bytes sent are those of the file as it was then even if it is replaced
/// afterwards; it is closed when the response is done with (sent, or its connection closed).
///
/// If the file shrinks while it is sent, the connection is closed after what could be read:
/// the client sees a body shorter than its `Content-Length`, never bytes of another file.
public final class HTTPFileBody: Sendable {
    public let descriptor: Int32
    /// Where the bytes sent start in the file.
    public let offset: Int
    /// How many bytes are sent.
    public let length: Int

    /// Takes ownership of `descriptor`: it is closed when this body is released.
    public init(descriptor: Int32, offset: Int = 0, length: Int) {
        self.descriptor = descriptor
        self.offset = offset
        self.length = max(0, length)
    }

    /// Opens the regular file at `path`; `range` selects bytes in it (the whole file when
    /// nil; a range past the end is cut to it).
    public convenience init(path: String, range: Range<Int>? = nil) throws(FileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw FileError(operation: "stat", path: path, code: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw FileError(operation: "open", path: path, code: EISDIR)
        }
        let size = Int(info.st_size)
        let start = min(range?.lowerBound ?? 0, size)
        let end = min(range?.upperBound ?? size, size)
        self.init(descriptor: descriptor, offset: start, length: end - start)
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `buffer.count` bytes starting `position` bytes into the body; 0 when the
    /// file ended early, -1 on an error.
    func read(at position: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, length - position)
        guard count > 0 else { return 0 }
        while true {
            let result = pread(descriptor, buffer.baseAddress, count, off_t(offset + position))
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }
}
