/// Everything the settings page shows.
///
/// `fieldErrors` and `enteredValues` are keyed by form field name (`server_url`, `db_uuid`,
/// `enterprise_code`, `level`): after a rejected form they carry what was wrong and what the
/// person typed, so nothing has to be typed twice.
public struct SettingsModel: Sendable, Equatable {
    public var certificate: CertificateBannerModel
    public var errorBox: ErrorBoxModel?
    public var serverURL: String?
    public var dbUUID: String?
    /// The stored code. The page only ever shows its last characters (see `EnterpriseCodeMask`).
    public var storedEnterpriseCode: String?
    /// The current level, one of `logLevels`.
    public var logLevel: String
    /// The levels the selector offers, in increasing severity.
    public var logLevels: [String]
    public var fieldErrors: [String: String]
    public var enteredValues: [String: String]
    public var flash: FlashMessageModel?
    /// Put in a hidden `csrf_token` field of every form.
    public var csrfToken: String
    /// A check is running: the page says so and reloads itself until it ends.
    public var isChecking: Bool

    @inlinable
    public init(
        certificate: CertificateBannerModel, errorBox: ErrorBoxModel? = nil, serverURL: String? = nil,
        dbUUID: String? = nil, storedEnterpriseCode: String? = nil, logLevel: String, logLevels: [String],
        fieldErrors: [String: String] = [:], enteredValues: [String: String] = [:],
        flash: FlashMessageModel? = nil, csrfToken: String, isChecking: Bool = false
    ) {
        self.isChecking = isChecking
        self.certificate = certificate
        self.errorBox = errorBox
        self.serverURL = serverURL
        self.dbUUID = dbUUID
        self.storedEnterpriseCode = storedEnterpriseCode
        self.logLevel = logLevel
        self.logLevels = logLevels
        self.fieldErrors = fieldErrors
        self.enteredValues = enteredValues
        self.flash = flash
        self.csrfToken = csrfToken
    }
}
