import FoundationEssentials
import HTTPCore

/// The state of the box's certificate as pages and `/status.json` show it.
public enum CertificateState: String, Sendable, Codable, CaseIterable {
    /// A certificate is stored, usable, and more than the renewal margin away from its end.
    case valid
    /// A usable certificate is stored but is due for renewal (or renewal has failed so far).
    case expiring
    /// No certificate yet, and no check has said why.
    case missing
    /// A check is running and there is no usable certificate to show meanwhile.
    case checking
    /// The last check failed and there is no usable certificate.
    case error
}

/// An immutable snapshot of the certificate state, safe to hand to any thread. It mirrors
/// the `certificate` object of `/status.json`.
public struct CertificateStatus: Sendable, Equatable {
    public var state: CertificateState
    /// The certificate's subject common name, e.g. `*.abcd1234.odoo-iot.com`.
    public var subject: String?
    public var notBefore: Date?
    public var notAfter: Date?
    /// Whole days until `notAfter`, as of `lastCheck`; 0 once expired.
    public var daysLeft: Int?
    public var error: CertificateError?
    public var lastCheck: Date?
    /// When an automatic retry is due after a failure; nil when none is scheduled.
    public var nextRetry: Date?

    public init(
        state: CertificateState, subject: String? = nil, notBefore: Date? = nil, notAfter: Date? = nil,
        daysLeft: Int? = nil, error: CertificateError? = nil, lastCheck: Date? = nil, nextRetry: Date? = nil
    ) {
        self.state = state
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.daysLeft = daysLeft
        self.error = error
        self.lastCheck = lastCheck
        self.nextRetry = nextRetry
    }

    /// Before any check has run.
    public static let initial = CertificateStatus(state: .missing)

    /// Whether the stored certificate can be served over TLS right now.
    public var hasUsableCertificate: Bool { state == .valid || state == .expiring }

    /// The box's HTTPS address for this certificate, or nil while there is none to serve.
    public func httpsURL(ipAddress: String, port: Int) -> String? {
        guard hasUsableCertificate, let subject else { return nil }
        return Self.httpsURL(ipAddress: ipAddress, subject: subject, port: port)
    }

    /// `https://` + the IPv4 address with dots as dashes + `.` + the subject without its
    /// leading `*.`, plus `:PORT` unless 443. A subject without a wildcard names the host
    /// itself. Nil when a wildcard subject meets an address that is not IPv4, since such a
    /// name cannot be formed.
    public static func httpsURL(ipAddress: String, subject: String, port: Int) -> String? {
        httpsHost(ipAddress: ipAddress, subject: subject).map { httpsURL(host: $0, port: port) }
    }

    /// `https://HOST`, plus `:PORT` unless 443.
    public static func httpsURL(host: String, port: Int) -> String {
        var url = "https://"
        url.reserveCapacity(url.utf8.count + host.utf8.count + 6)
        url += host
        if port != 443 {
            url += ":"
            url += String(port)
        }
        return url
    }

    /// The host name of `httpsURL`: the IPv4 address with dots as dashes + `.` + the subject
    /// without its leading `*.`, or the subject itself when it has no wildcard.
    public static func httpsHost(ipAddress: String, subject: String) -> String? {
        // The subject comes from the certificate service: only a plain DNS name may become
        // part of a link (an `@` or `/` in it would point the link at another host).
        let isWildcard = subject.utf8.starts(with: "*.".utf8)
        let domain = isWildcard ? subject.utf8.dropFirst(2) : subject.utf8[...]
        guard isPlainDNSName(domain) else { return nil }
        guard isWildcard else { return subject }
        guard let address = HostAndPort(ipAddress), address.kind == .ipv4, address.port == nil else { return nil }
        var name: [UInt8] = []
        name.reserveCapacity(address.host.utf8.count + 1 + domain.count)
        for byte in address.host.utf8 { name.append(byte == UInt8(ascii: ".") ? UInt8(ascii: "-") : byte) }
        name.append(UInt8(ascii: "."))
        name.append(contentsOf: domain)
        return String(decoding: name, as: UTF8.self)
    }

    /// Letters, digits and hyphens in dot-separated labels of 1 to 63 characters.
    public static func isPlainDNSName(_ name: String) -> Bool {
        isPlainDNSName(name.utf8[...])
    }

    private static func isPlainDNSName(_ name: Substring.UTF8View) -> Bool {
        guard name.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = 0
        for byte in name {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                let isLetterOrDigit =
                    (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                guard isLetterOrDigit || (byte == UInt8(ascii: "-") && labelLength > 0) else { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// The `certificate` object of `/status.json`: every field present, null for a missing
    /// value, times in RFC 3339 UTC.
    public var json: JSONValue {
        var errorObject: JSONValue = nil
        if let error {
            errorObject = [
                "code": JSONValue(error.code.rawValue),
                "http_status": JSONValue(error.httpStatus),
                "detail": JSONValue(error.detail),
            ]
        }
        return [
            "state": JSONValue(state.rawValue),
            "subject": JSONValue(subject),
            "not_before": JSONValue(notBefore.map(Self.rfc3339)),
            "not_after": JSONValue(notAfter.map(Self.rfc3339)),
            "days_left": JSONValue(daysLeft),
            "error": errorObject,
            "last_check": JSONValue(lastCheck.map(Self.rfc3339)),
            "next_retry": JSONValue(nextRetry.map(Self.rfc3339)),
        ]
    }

    /// `2026-11-01T00:00:00Z`: whole seconds, UTC, as `/status.json` uses everywhere.
    public static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!))
    }
}
