import HTTPCore

/// Sends provisioning requests with HTTPCore's verifying client and names the cause of each
/// failure, which decides whether the checker may send the request again at once.
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
            return ProvisioningResponse(
                status: response.status, body: response.body, retryAfter: response.headers["Retry-After"])
        } catch {
            throw ProvisioningTransportFailure(cause: Self.cause(of: error), detail: "POST \(url): \(error)")
        }
    }

    static func cause(of error: HTTPClientError) -> CertificateRequestFailure {
        switch error {
        case .invalidURL: return .invalidURL
        case .dnsFailed: return .nameNotResolved
        case .dnsTimedOut: return .nameResolutionTimedOut
        case .connectionRefused: return .connectionRefused
        case .connectTimedOut: return .connectTimedOut
        case .connectionReset: return .resetBeforeSending
        case .timedOut: return .timedOutBeforeSending
        case .tlsHandshakeFailed: return .tlsHandshakeFailed
        case .certificateNotTrusted: return .tlsUntrusted
        case .hostnameMismatch: return .tlsWrongHost
        case .proxyRefused, .proxyFailed: return .proxyFailed
        case .connectionResetAfterSending: return .resetAfterSending
        case .closedWithoutAnswer: return .closedAfterSending
        case .timedOutAfterSending: return .timedOutAfterSending
        case .malformedResponse, .responseTooLarge: return .invalidAnswer
        }
    }
}
