/// Everything the homepage shows. Strings arrive formatted; the view only lays them out.
public struct HomepageModel: Sendable, Equatable {
    public var identifier: String
    public var ipAddress: String
    public var macAddress: String
    public var version: String
    /// The connected Odoo server, nil when none is configured.
    public var serverURL: String?
    /// The box's HTTPS address, known once it has a certificate.
    public var httpsURL: String?
    public var certificate: CertificateBannerModel
    public var errorBox: ErrorBoxModel?
    /// A check is running: the page says so and refreshes itself.
    public var isChecking: Bool
    public var flash: FlashMessageModel?
    public var sandbox: SandboxModel?
    /// Whether this page is being served over HTTPS.
    public var isSecure: Bool
    /// The box's DNS check of its HTTPS name; nil before it has one.
    public var dnsCheck: DNSCheckModel?
    /// Over HTTP once the HTTPS address is known: the in-browser reachability check.
    public var reachability: ReachabilityCheckModel?

    @inlinable
    public init(
        identifier: String, ipAddress: String, macAddress: String, version: String, serverURL: String? = nil,
        httpsURL: String? = nil, certificate: CertificateBannerModel, errorBox: ErrorBoxModel? = nil,
        isChecking: Bool = false, flash: FlashMessageModel? = nil, sandbox: SandboxModel? = nil,
        isSecure: Bool = false, dnsCheck: DNSCheckModel? = nil, reachability: ReachabilityCheckModel? = nil
    ) {
        self.identifier = identifier
        self.ipAddress = ipAddress
        self.macAddress = macAddress
        self.version = version
        self.serverURL = serverURL
        self.httpsURL = httpsURL
        self.certificate = certificate
        self.errorBox = errorBox
        self.isChecking = isChecking
        self.flash = flash
        self.sandbox = sandbox
        self.isSecure = isSecure
        self.dnsCheck = dnsCheck
        self.reachability = reachability
    }
}
