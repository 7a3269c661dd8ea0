import COpenSSL

/// An in-memory OpenSSL BIO: PEM text goes in, or comes out, without touching a file.
/// The BIO copies what is written to it, so the Swift array need not outlive the call.
package final class OpenSSLMemoryBIO {
    private let bio: OpaquePointer

    /// An empty BIO to write PEM into.
    package init() {
        guard let bio = BIO_new(BIO_s_mem()) else { fatalError("OpenSSL could not allocate a memory BIO") }
        self.bio = bio
    }

    /// A BIO holding a copy of `bytes`, ready to be read.
    package convenience init(bytes: [UInt8]) {
        self.init()
        if !bytes.isEmpty {
            _ = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        }
    }

    deinit { BIO_free(bio) }

    /// Everything written to the BIO so far.
    package var contents: [UInt8] {
        var start: UnsafeMutablePointer<CChar>?
        let length = copenssl_bio_get_mem_data(bio, &start)
        guard let start, length > 0 else { return [] }
        return start.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Lends the BIO for one OpenSSL call; the pointer must not be kept past `body`.
    package func withUnsafeBIO<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        try body(bio)
    }
}
