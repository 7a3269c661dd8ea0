/// What the checker needs from the box's settings (`odoo.conf`).
public struct CertificateSettings: Sendable, Equatable {
    /// The Odoo database the box is connected to; nil or empty when none.
    public var serverURL: String?
    public var dbUUID: String?
    /// The contract code. Secret: never logged, never put in an error detail.
    public var enterpriseCode: String?

    public init(serverURL: String? = nil, dbUUID: String? = nil, enterpriseCode: String? = nil) {
        self.serverURL = serverURL
        self.dbUUID = dbUUID
        self.enterpriseCode = enterpriseCode
    }
}

/// Why a check was asked for; logged, and a settings change always gets a fresh run.
public enum CheckReason: String, Sendable {
    case startup
    case homepageVisit
    /// Odoo's `GET /iot_drivers/check_certificate`.
    case checkCertificateRoute
    case checkNow
    case settingsChanged
    case retry
    case dailyTimer
}
