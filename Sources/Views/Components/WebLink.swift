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
        page.element("a", [HTMLAttribute("href", address)], text: address)
    }

    /// Whether `address` starts with `http://` or `https://` (any case) and holds no
    /// character a browser would strip or treat specially before reading the scheme.
    static func isWebAddress(_ address: String) -> Bool {
        guard address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return false }
        let lowered = address.prefix(8).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }
}
