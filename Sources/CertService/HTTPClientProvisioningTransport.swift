import HTTPCore

/// Sends provisioning requests with HTTPCore's verifying client and sorts its failures into
/// the kinds the checker retries or not.
public struct HTTPClientProvisioningTransport: ProvisioningTransport {
    private let client: HTTPClient

    public init(client: HTTPClient = HTTPClient()) {
        self.client = client
    }

    public func post(url: String, jsonBody: [UInt8]) throws(ProvisioningTransportFailure) -> ProvisioningResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("Accept", "application/json")
        do {
            let response = try client.send(
                HTTPClientRequest(method: "POST", url: url, headers: headers, body: jsonBody))
            return ProvisioningResponse(status: response.status, body: response.body)
        } catch {
            throw ProvisioningTransportFailure(kind: Self.kind(of: error), detail: "POST \(url): \(error)")
        }
    }

    static func kind(of error: HTTPClientError) -> ProvisioningTransportFailure.Kind {
        switch error {
        case .dnsFailed, .dnsTimedOut: return .nameResolution
        case .connectionRefused: return .connectionRefused
        case .connectTimedOut, .timedOut: return .timedOut
        case .tlsHandshakeFailed, .certificateNotTrusted, .hostnameMismatch: return .tls
        case .connectionReset: return .connectionReset
        case .malformedResponse, .responseTooLarge: return .malformedResponse
        case .invalidURL, .proxyRefused, .proxyFailed: return .other
        }
    }
}
