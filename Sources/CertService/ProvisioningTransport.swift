/// An HTTP answer from the certificate service or the Odoo server.
public struct ProvisioningResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why a request got no HTTP answer at all.
public struct ProvisioningTransportFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The host name did not resolve (or resolution timed out).
        case nameResolution
        case connectionRefused
        case timedOut
        /// Handshake failure, untrusted certificate or wrong host name.
        case tls
        case connectionReset
        /// An answer came that is not HTTP, or is too large.
        case malformedResponse
        case other
    }

    public var kind: Kind
    /// Precise and safe to show: which name, which TLS check, which address.
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Failures that often pass by themselves and deserve a quick second try. A refusal or
    /// a TLS failure will not change in a few seconds.
    public var isTransient: Bool {
        switch kind {
        case .timedOut, .connectionReset, .nameResolution: return true
        case .connectionRefused, .tls, .malformedResponse, .other: return false
        }
    }
}

/// Sends one JSON `POST` and returns the answer. Blocking: the checker calls it on its own
/// thread, never on an event loop.
public protocol ProvisioningTransport: Sendable {
    func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse
}
