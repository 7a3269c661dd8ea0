/// An HTTP answer from the certificate service or the Odoo server.
public struct ProvisioningResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// The `Retry-After` field's value, if the answer had one.
    public var retryAfter: String?

    public init(status: Int, body: [UInt8], retryAfter: String? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }
}

/// Why a request got no HTTP answer at all.
public struct ProvisioningTransportFailure: Error, Sendable, Equatable {
    public var cause: CertificateRequestFailure
    /// Precise and safe to show: which name, which TLS check, which address.
    public var detail: String

    public init(cause: CertificateRequestFailure, detail: String) {
        self.cause = cause
        self.detail = detail
    }
}

/// Sends one JSON `POST` and returns the answer. Blocking: the checker calls it on its own
/// thread, never on an event loop.
public protocol ProvisioningTransport: Sendable {
    func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse
}
