/// HTTPCore: HTTP/1.1 on Glibc sockets.
///
/// Owns: the request parser, messages, epoll event loops, the server and its limits, the
/// router, static files with gzip (zlib), TLS for listeners and a small verifying client
/// (OpenSSL), and X.509 parsing and keys. Issuing certificates is the sandbox's (its own target).
///
/// Must never: know about certificates' meaning, homepages, Odoo, or HTML; block an event
/// loop; let a raw OpenSSL pointer escape the file that wraps it, except through the
/// `package`-level `withUnsafe…` lenders, for the sandbox's CA in this same package.
public enum HTTPCore {
    public static let serverName = "iot-box-homepage"
}
