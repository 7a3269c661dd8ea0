/// The sandbox certificate service's demo databases, listed so a person can try each outcome.
public struct SandboxModel: Sendable, Equatable {
    public struct Database: Sendable, Equatable {
        public var name: String
        public var dbUUID: String
        public var enterpriseCode: String
        /// production, staging, duplicate or development.
        public var kind: String
        public var subscription: String
        public var hasIoTBoxLine: Bool
        /// What entering these credentials leads to, e.g. "gets a certificate".
        public var outcome: String

        public init(
            name: String, dbUUID: String, enterpriseCode: String, kind: String, subscription: String,
            hasIoTBoxLine: Bool, outcome: String
        ) {
            self.name = name
            self.dbUUID = dbUUID
            self.enterpriseCode = enterpriseCode
            self.kind = kind
            self.subscription = subscription
            self.hasIoTBoxLine = hasIoTBoxLine
            self.outcome = outcome
        }
    }

    /// Where the sandbox CA certificate can be downloaded, e.g. `/sandbox/ca.pem`.
    public var caURL: String
    public var databases: [Database]

    public init(caURL: String, databases: [Database]) {
        self.caURL = caURL
        self.databases = databases
    }
}
