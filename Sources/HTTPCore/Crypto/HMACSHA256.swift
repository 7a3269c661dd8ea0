import COpenSSL

/// HMAC-SHA-256 (RFC 2104) computed by OpenSSL, and the comparison to check one: what a server
/// needs to hand out a value it can recognise later without storing it (a form token bound
/// to a browser session, say).
public enum HMACSHA256 {
    /// The length of a code, in bytes.
    public static let byteCount = 32

    /// The code of `message` under `key`.
    public static func code(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                output.withUnsafeMutableBufferPointer { outputBytes in
                    HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                        outputBytes.baseAddress, &length)
                }
            }
        }
        // HMAC with SHA-256 fails only when OpenSSL cannot allocate; nothing can go on then.
        precondition(result != nil && Int(length) == byteCount, "OpenSSL HMAC-SHA-256 failed")
        return Array(output.prefix(byteCount))
    }

    /// Whether `a` and `b` are equal, in a time that depends only on their length (OpenSSL's
    /// `CRYPTO_memcmp`): how long a refusal takes says nothing about how much of a guess was
    /// right.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, a.count) == 0 }
        }
    }
}
