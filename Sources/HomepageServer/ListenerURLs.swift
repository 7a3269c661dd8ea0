import CertService
import HTTPCore

/// What the box prints on start for each listener: addresses a person can click and a script
/// can read. A listener on the unspecified address (`0.0.0.0`, `::`) is named by each of the
/// box's current addresses, LAN first, then `localhost`: `http://0.0.0.0:8069/` leads nowhere.
/// The scheme's own port (80, 443) is left out, as a browser's address bar does.
enum ListenerURLs {
    static func urls(for listener: ListenerInfo, boxAddresses: [String]) -> [String] {
        let scheme = listener.isSecure ? "https" : "http"
        let port = listener.port == (listener.isSecure ? 443 : 80) ? "" : ":\(listener.port)"
        let hosts: [String]
        switch listener.host {
        case "0.0.0.0":
            hosts = boxAddresses.filter { isLANAddress($0) && !$0.contains(":") } + ["localhost"]
        case "::":
            // The listener is IPv6 only (IPV6_V6ONLY), so only IPv6 addresses reach it.
            hosts = boxAddresses.filter { isLANAddress($0) && $0.contains(":") }.map { "[\($0)]" } + ["localhost"]
        default:
            hosts = [listener.host.contains(":") ? "[\(listener.host)]" : listener.host]
        }
        return hosts.map { "\(scheme)://\($0)\(port)/" }
    }

    /// The HTTPS listener's lines: its addresses, then the certificate's name for this box
    /// (`https://192-168-1-10.abcd1234.odoo-iot.com/`), the address Odoo and payment terminals
    /// use, when the certificate names one.
    static func httpsURLs(for listener: ListenerInfo, subject: String?, machine: MachineInfo) -> [String] {
        let named = subject.flatMap {
            CertificateStatus.httpsURL(ipAddress: machine.ipAddress, subject: $0, port: listener.port)
        }
        return urls(for: listener, boxAddresses: machine.allAddresses) + (named.map { [$0 + "/"] } ?? [])
    }

    /// Not loopback, and not IPv6 link-local (which needs a zone no browser bar accepts).
    static func isLANAddress(_ address: String) -> Bool {
        if address.contains(":") {
            let lower = address.lowercased()
            return lower != "::1" && !["fe8", "fe9", "fea", "feb"].contains(where: lower.hasPrefix)
        }
        return !address.hasPrefix("127.")
    }
}
