/// A link to an address that comes from a file or another service (the Odoo server from
/// `odoo.conf`, which a person may edit by hand; the HTTPS address built from a certificate).
/// Only an `http:` or `https:` address becomes a link: a `javascript:`, `data:` or
/// scheme-relative value is shown as text, so a bad file can never turn a click into script.
enum WebLink {
    static func render(_ address: String, into page: inout HTMLBuilder) {
        guard isWebAddress(address) else {
            page.text(address)
            return
        }
        // The address is the link's target and its text: escaped once, written twice.
        page.raw("<a href=\"")
        let escaped = page.escapedText(address)
        page.raw("\">")
        page.repeatText(escaped)
        page.raw("</a>")
    }

    /// Whether `address` starts with `http://` or `https://` (any case) and holds no
    /// character a browser would strip or treat specially before reading the scheme.
    /// Scans the UTF-8 bytes: every byte of a non-ASCII scalar is at least 0x80, so a byte test
    /// rejects exactly the scalars up to 0x20 and 0x7F.
    static func isWebAddress(_ address: String) -> Bool {
        var address = address
        return address.withUTF8 { bytes in
            bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F }
                && (startsIgnoringASCIICase(bytes, with: "http://") || startsIgnoringASCIICase(bytes, with: "https://"))
        }
    }

    private static func startsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool
    {
        prefix.withUTF8Buffer { prefix in
            guard bytes.count >= prefix.count else { return false }
            for index in prefix.indices {
                let byte = bytes[index]
                if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != prefix[index] { return false }
            }
            return true
        }
    }
}
