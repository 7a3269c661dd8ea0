import FoundationEssentials
import HTTPCore

/// A certificate as the service hands it over.
public struct ProvisionedCertificate: Sendable, Equatable, CustomStringConvertible {
    public var subjectCommonName: String
    /// Leaf first; the chain may follow.
    public var chainPEM: String
    public var keyPEM: String

    public init(subjectCommonName: String, chainPEM: String, keyPEM: String) {
        self.subjectCommonName = subjectCommonName
        self.chainPEM = chainPEM
        self.keyPEM = keyPEM
    }

    /// Never prints the key, so it cannot end up in a log by accident.
    public var description: String { "ProvisionedCertificate(\(subjectCommonName))" }
}

/// The JSON-RPC exchange with Odoo's certificate service, as pure functions over bytes.
public enum ProvisioningProtocol {
    /// `{"jsonrpc": "2.0", "method": "call", "params": {"db_uuid": "…", "enterprise_code": "…"}}`,
    /// keys in this order (built by hand: `JSONSerialization` does not keep order).
    public static func requestBody(dbUUID: String, enterpriseCode: String) -> [UInt8] {
        let text =
            "{\"jsonrpc\": \"2.0\", \"method\": \"call\", \"params\": {\"db_uuid\": \(jsonString(dbUUID)), "
            + "\"enterprise_code\": \(jsonString(enterpriseCode))}}"
        return Array(text.utf8)
    }

    /// Reads the service's answer. `secrets` are removed from any text copied into an error
    /// detail, in case the server echoes the request.
    public static func interpret(
        _ response: ProvisioningResponse, redacting secrets: [String] = []
    ) -> Result<ProvisionedCertificate, CertificateError> {
        func noResult(_ cause: CertificateError.Cause, _ detail: String)
            -> Result<ProvisionedCertificate, CertificateError>
        {
            .failure(CertificateError(cause, detail: SecretRedaction.redacting(secrets, in: detail)))
        }
        guard response.status == 200 else {
            var detail = "the certificate service answered HTTP \(response.status)"
            let excerpt = bodyExcerpt(response.body)
            if !excerpt.isEmpty { detail += ": \(excerpt)" }
            return .failure(
                CertificateError(.httpStatus(response.status), detail: SecretRedaction.redacting(secrets, in: detail)))
        }
        // An answer that names a key twice reads differently here (first value) and in Python
        // (last value): which certificate, or whether an error, would be a guess.
        let json: JSONValue?
        do {
            json = try JSONValue(parsing: response.body, duplicateKeys: .refuse)
        } catch let duplicate as JSONDuplicateKeyError {
            return noResult(
                .answerNotJSON, "the answer is ambiguous JSON: \(oneLine(duplicate.description, limit: 200))")
        } catch {
            json = nil
        }
        guard let object = json?.objectValue else {
            return noResult(.answerNotJSON, "the answer is not a JSON object: \(bodyExcerpt(response.body))")
        }
        if let error = object["error"], !error.isNull {
            return noResult(.serviceError, "the service returned an error: \(rpcErrorMessage(error))")
        }
        guard let result = object["result"], !result.isNull else {
            return noResult(.noResult, "the answer has no result")
        }
        guard let fields = result.objectValue else {
            return noResult(.noResult, "the service returned no certificate (result: \(result))")
        }
        guard !fields.isEmpty else { return noResult(.noResult, "the service returned an empty result") }
        if let error = fields["error"], !error.isNull, error.boolValue != false {
            return noResult(.serviceError, "the service refused: \(rpcErrorMessage(error))")
        }
        var missing: [String] = []
        let subject = fields["subject_cn"]?.stringValue
        let chain = fields["x509_pem"]?.stringValue
        let key = fields["private_key_pem"]?.stringValue
        if subject?.isEmpty ?? true { missing.append("subject_cn") }
        if chain?.isEmpty ?? true { missing.append("x509_pem") }
        if key?.isEmpty ?? true { missing.append("private_key_pem") }
        guard missing.isEmpty, let subject, let chain, let key else {
            return noResult(.noResult, "the result lacks \(missing.joined(separator: ", "))")
        }
        return .success(ProvisionedCertificate(subjectCommonName: subject, chainPEM: chain, keyPEM: key))
    }

    /// `{server_url}/iot/box/update_certificate_status`, without a doubled slash.
    public static func statusUpdateURL(serverURL: String) -> String {
        var base = serverURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/iot/box/update_certificate_status"
    }

    /// `{"params": {"identifier": "…", "ssl_certificate_end_date": "YYYY-MM-DD HH:MM:SS"}}`, UTC.
    public static func statusUpdateBody(identifier: String, certificateEnd: Date) -> [UInt8] {
        let text =
            "{\"params\": {\"identifier\": \(jsonString(identifier)), "
            + "\"ssl_certificate_end_date\": \(jsonString(odooDateTime(certificateEnd)))}}"
        return Array(text.utf8)
    }

    /// Odoo's datetime text: `2027-01-30 00:00:00`, UTC.
    public static func odooDateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
    }

    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// JSON-RPC errors put the useful text in `data.message`; `message` is often generic.
    private static func rpcErrorMessage(_ error: JSONValue) -> String {
        if let text = error.stringValue { return text }
        if let message = error["data"]?["message"]?.stringValue, !message.isEmpty { return message }
        if let message = error["message"]?.stringValue { return message }
        return error.description
    }

    /// At most 200 characters of the body, on one line, for an error detail.
    private static func bodyExcerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return oneLine(text, limit: 200) + (body.count > 200 ? "…" : "")
    }

    private static func oneLine(_ text: String, limit: Int) -> String {
        let flat = text.prefix(limit).map { $0.isNewline || $0 == "\t" ? " " : String($0) }.joined()
        return String(flat.trimmingASCIIWhitespace()) + (text.count > limit ? "…" : "")
    }
}
