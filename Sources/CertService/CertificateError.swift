/// One failure of a certificate check, as a page and `/status.json` show it.
///
/// `cause` says what happened, typed: the documented code, the meaning, the advice, the log
/// text and whether the request may be sent again at once all follow from it. `detail` says
/// precisely what went wrong (which name did not resolve, which TLS check failed, what the
/// server answered) for people only. It must never carry the enterprise code or a key: it is
/// shown on pages, written to logs and quoted in tickets.
public struct CertificateError: Error, Sendable, Equatable {
    /// What went wrong, in the order a check can fail.
    public enum Cause: Sendable, Equatable {
        /// No Odoo server is configured.
        case noServer
        /// The stored certificate or key cannot be read or understood.
        case certificateUnreadable
        /// The database UUID or the enterprise code is missing.
        case missingCredential
        /// The request got no HTTP answer.
        case requestFailed(CertificateRequestFailure)
        /// The service answered with a status other than 200.
        case httpStatus(Int)
        /// A 200 whose body is not one unambiguous JSON object (a maintenance page, a proxy's
        /// page, an object naming a key twice).
        case answerNotJSON
        /// A JSON-RPC `error` member or a `result.error`: the service said why, in `detail`.
        case serviceError
        /// A `result` that is missing, `null`, `false`, empty or lacks a field.
        case noResult
        /// The certificate received does not parse, its key does not match, or it has expired.
        case invalidCertificate
        /// The new files cannot be written.
        case storeFailed

        /// The documented code this cause is shown under.
        public var code: CertificateErrorCode {
            switch self {
            case .noServer: return .checkNoServer
            case .certificateUnreadable: return .checkCertReadException
            case .missingCredential: return .loadNoCredential
            case .requestFailed: return .loadRequestException
            case .httpStatus: return .loadRequestStatus
            case .answerNotJSON, .serviceError, .noResult: return .loadRequestNoResult
            case .invalidCertificate: return .loadInvalidCertificate
            case .storeFailed: return .storeException
            }
        }

        /// A short name for logs: `name resolution timed out`, `HTTP 503`.
        public var summary: String {
            switch self {
            case .noServer: return "no server"
            case .certificateUnreadable: return "certificate unreadable"
            case .missingCredential: return "missing credential"
            case .requestFailed(let failure): return failure.summary
            case .httpStatus(let status): return "HTTP \(status)"
            case .answerNotJSON: return "answer not JSON"
            case .serviceError: return "service error"
            case .noResult: return "no result"
            case .invalidCertificate: return "invalid certificate"
            case .storeFailed: return "store failed"
            }
        }
    }

    public var cause: Cause
    public var detail: String

    /// Longest `detail` kept: a service's message is quoted, not stored whole.
    public static let maximumDetailLength = 1000

    public init(_ cause: Cause, detail: String) {
        self.cause = cause
        self.detail = Self.quotable(detail)
    }

    public var code: CertificateErrorCode { cause.code }

    /// The HTTP status the certificate service answered; only for `loadRequestStatus`.
    public var httpStatus: Int? {
        if case .httpStatus(let status) = cause { return status }
        return nil
    }

    /// `detail` often quotes what a remote service said: control characters become spaces
    /// (no forged lines anywhere it is shown) and it is cut at `maximumDetailLength`.
    static func quotable(_ text: String) -> String {
        var cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                        ? " " : scalar
                }))
        if cleaned.count > maximumDetailLength {
            cleaned = String(cleaned.prefix(maximumDetailLength)) + "…"
        }
        return cleaned
    }

    /// The code as the documentation writes it, with the status appended when there is
    /// one: `ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404`.
    public var displayCode: String {
        if let httpStatus { return "\(code.rawValue) \(httpStatus)" }
        return code.rawValue
    }

    /// What the error means, in one or two sentences.
    public var meaning: String {
        switch code {
        case .checkNoServer:
            return "No Odoo server is configured: the IoT system is not connected to an Odoo database yet."
        case .checkCertReadException:
            return "The HTTPS certificate file exists but could not be read or understood. The file has been kept."
        case .loadNoCredential:
            return "The database UUID or the enterprise (contract) code is missing on the IoT system."
        case .loadRequestException:
            if case .requestFailed(let failure) = cause, failure.reachedService {
                return "The IoT system sent its request to Odoo's certificate service but got no usable answer. "
                    + "The service may still be preparing the certificate: the IoT system asks again after a pause."
            }
            return "The IoT system could not reach Odoo's certificate service. This is almost always a network problem."
        case .loadRequestStatus:
            let status = httpStatus.map { " (HTTP \($0)\(Self.statusWords($0)))" } ?? ""
            return "The IoT system reached Odoo's certificate service, but it gave an unexpected answer\(status)."
        case .loadRequestNoResult:
            return
                "The IoT system reached Odoo's certificate service, but the service refused to provide a certificate."
        case .loadInvalidCertificate:
            return
                "The certificate received could not be used (it does not parse, its key does not match, or it has "
                + "already expired). Nothing was stored: a certificate the box already had stays in use."
        case .storeException:
            return "The new certificate could not be saved on the IoT system. The previous files are unchanged."
        }
    }

    /// What a person can do about it, most likely fix first.
    public var advice: [String] {
        switch code {
        case .checkNoServer:
            return [
                "Connect the IoT system to your Odoo database: open the settings (cogs button) and enter the Odoo server address."
            ]
        case .checkCertReadException:
            return [
                "Check that the certificate file is readable by the IoT system's service and is a PEM certificate.",
                "If the file is damaged, remove the certificate file named in the details (or put a good copy in its "
                    + "place) and refresh this page: the IoT system then requests a new certificate.",
                "Download the logs for the exact reason; raise the log level to debug in the settings for more detail.",
            ]
        case .loadNoCredential:
            return [
                "Open the settings (cogs button), then Credential, and enter both the database UUID and the enterprise code.",
                "Both values are shown in your Odoo subscription; check that neither is truncated.",
            ]
        case .loadRequestException:
            var items = [
                "Check that the IoT system has Internet access.",
                "A firewall, a router with a built-in firewall, or a VPN may block the connection to the certificate "
                    + "service. Allow it, or turn the firewall off until the certificate has been obtained.",
            ]
            if case .requestFailed(let failure) = cause, failure.isNameResolution {
                items.append(
                    "The name could not be resolved. If the router allows it, set its DNS to a public DNS such as "
                        + "Google DNS (8.8.8.8); otherwise set it on each device that uses the IoT system.")
            }
            items.append(
                "For the full error, download the logs; raise the log level to debug in the settings (cogs button).")
            items.append(
                "Network problems are for your system or network administrator; they are beyond Odoo support.")
            return items
        case .loadRequestStatus:
            let status = httpStatus.map(String.init) ?? "3-digit"
            return [
                "Open https://www.odoo.com in a browser to see whether it is down for maintenance; "
                    + "if so, wait for it to come back and check again.",
                "If the website works, open a support ticket and quote the \(status) HTTP status code.",
            ]
        case .loadRequestNoResult:
            var items: [String] = []
            if cause == .answerNotJSON {
                items.append(
                    "The answer is not one the certificate service gives. Open https://www.odoo.com in a browser to "
                        + "see whether it is down for maintenance; if so, wait and check again. Otherwise a proxy "
                        + "or a network login page may be answering in its place: ask your network administrator.")
            }
            return items + [
                "The database must be a production database: not a copy, a duplicate, a staging or a development one.",
                "The Odoo subscription must be In Progress and have an IoT box subscription line.",
                "If the IoT box line was added after the IoT system was connected, refresh this page or press "
                    + "\"Check now\" to request the certificate again.",
            ]
        case .loadInvalidCertificate:
            return [
                "Press \"Check now\" to request a new certificate.",
                "If it happens again, download the logs and open a support ticket with this code.",
            ]
        case .storeException:
            return [
                "Check that the disk is not full and that the folder of the certificate and key files (named in the "
                    + "details) is writable by the IoT system's service.",
                "Download the logs for the exact file and reason.",
            ]
        }
    }

    private static func statusWords(_ status: Int) -> String {
        switch status {
        case 400: return " Bad Request"
        case 401: return " Unauthorized"
        case 403: return " Forbidden"
        case 404: return " Page Not Found"
        case 429: return " Too Many Requests"
        case 500: return " Internal Server Error"
        case 502: return " Bad Gateway"
        case 503: return " Service Unavailable"
        case 504: return " Gateway Timeout"
        default: return ""
        }
    }
}
