import COpenSSL

/// OpenSSL reports failures on a per-thread queue. Reading it right after a failed call
/// turns "returned 0" into a reason a person can act on; clearing it before a call keeps a
/// stale entry from an earlier failure on the same thread from being blamed.
package enum OpenSSLErrorQueue {
    /// Empties this thread's queue and returns its entries joined, or `fallback` when empty.
    package static func drain(fallback: String = "unknown OpenSSL error") -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }

    /// Forgets whatever earlier calls on this thread left behind.
    package static func clear() {
        ERR_clear_error()
    }
}
