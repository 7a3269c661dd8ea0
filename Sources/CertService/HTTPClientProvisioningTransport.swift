import HTTPCore

/// Sends provisioning requests with HTTPCore's verifying client and names the cause of each
/// failure, which decides whether the checker may send the request again at once.
public struct HTTPClientProvisioningTransport: ProvisioningTransport {
    private let client: HTTPClient

    /// How long one certificate request may take: the service obtains a Let's Encrypt
    /// certificate while the box waits, and Odoo's own box waits 95 s for it.
    public static let defaultRequestTimeout: Duration = .seconds(95)
    /// How long connecting may take, for each address of the service.
    public static let connectTimeout: Duration = .seconds(10)

    public init(client: HTTPClient = HTTPClient(configuration: clientConfiguration())) {
        self.client = client
    }

    /// The client settings for the certificate service: the whole request bounded by
    /// `requestTimeout`, connecting by `connectTimeout`.
    public static func clientConfiguration(
        extraCAFile: String? = nil, requestTimeout: Duration = defaultRequestTimeout
    ) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(extraCAFile: extraCAFile)
        configuration.totalTimeout = requestTimeout
        configuration.connectTimeout = connectTimeout
        return configuration
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
