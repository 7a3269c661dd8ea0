import CZlib

/// Why gzip could not compress or decompress; the zlib return code is kept for logs.
public enum GzipError: Error, Sendable, Equatable {
    case initializationFailed(code: Int32)
    case compressionFailed(code: Int32)
    case inputTooLarge
    case corruptInput(code: Int32)
    case truncatedInput
    case outputTooLarge(limit: Int)
}

/// gzip (RFC 1952) in memory through zlib: whole buffers in, whole buffers out, for the
/// small static files and pages this server sends.
public enum Gzip {
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        guard bytes.count < Int(UInt32.max) else { throw .inputTooLarge }
        // zlib keeps a pointer back to its z_stream, so the stream must not move: give it a
        // fixed address for the whole call.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let initCode = czlib_deflate_init_gzip(stream, level)
        guard initCode == Z_OK else { throw .initializationFailed(code: initCode) }
        defer { deflateEnd(stream) }

        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))))
        let code = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = uInt(out.count)
                // deflateBound leaves room for everything, so one call finishes the stream.
                return deflate(stream, Z_FINISH)
            }
        }
        guard code == Z_STREAM_END else { throw .compressionFailed(code: code) }
        output.removeSubrange(Int(stream.pointee.total_out)...)
        return output
    }

    /// Refuses to produce more than `maxSize` bytes, so a small bomb cannot fill memory.
    public static func decompress(_ bytes: [UInt8], maxSize: Int) throws(GzipError) -> [UInt8] {
        guard bytes.count < Int(UInt32.max) else { throw .inputTooLarge }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let initCode = czlib_inflate_init_gzip(stream)
        guard initCode == Z_OK else { throw .initializationFailed(code: initCode) }
        defer { inflateEnd(stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        try bytes.withUnsafeBufferPointer { (input) throws(GzipError) in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = uInt(input.count)
            while true {
                let code = chunk.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    return inflate(stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.pointee.avail_out)
                guard output.count + produced <= maxSize else { throw .outputTooLarge(limit: maxSize) }
                output.append(contentsOf: chunk[0..<produced])
                switch code {
                case Z_STREAM_END:
                    guard stream.pointee.avail_in == 0 else { throw .corruptInput(code: code) }
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    throw .truncatedInput
                default:
                    throw .corruptInput(code: code)
                }
            }
        }
        return output
    }
}
