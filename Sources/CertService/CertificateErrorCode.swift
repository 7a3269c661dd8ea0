/// The error codes Odoo's documentation defines for the HTTPS certificate of an IoT system.
/// The raw values are shown to people and quoted in support tickets: never rename them.
public enum CertificateErrorCode: String, Sendable, CaseIterable, Codable {
    case checkNoServer = "ERR_IOT_HTTPS_CHECK_NO_SERVER"
    case checkCertReadException = "ERR_IOT_HTTPS_CHECK_CERT_READ_EXCEPTION"
    case loadNoCredential = "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL"
    case loadRequestException = "ERR_IOT_HTTPS_LOAD_REQUEST_EXCEPTION"
    case loadRequestStatus = "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS"
    case loadRequestNoResult = "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT"
    case loadInvalidCertificate = "ERR_IOT_HTTPS_LOAD_INVALID_CERTIFICATE"
    case storeException = "ERR_IOT_HTTPS_STORE_EXCEPTION"
}
