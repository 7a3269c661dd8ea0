import HTTPCore

/// What is wrong with one field, in words for the person who typed it.
enum FieldValidationError: Error, Equatable {
    case missing
    case tooLong(maximum: Int)
    case notHTTPURL
    case urlHasCredentials
    case urlHasQueryOrFragment
    case urlHasInvalidHost
    case notUUID
    case notPrintableASCII
    case unknownLogLevel

    var message: String {
        switch self {
        case .missing: return "This field is required."
        case .tooLong(let maximum): return "Enter at most \(maximum) characters."
        case .notHTTPURL: return "Enter an address starting with http:// or https://, without spaces."
        case .urlHasCredentials: return "Leave the user name and password out of the address."
        case .urlHasQueryOrFragment: return "Enter only the database address, without ? or # parts."
        case .urlHasInvalidHost: return "The address needs a valid server name, such as mycompany.odoo.com."
        case .notUUID: return "Enter the database UUID as 8-4-4-4-12 hexadecimal digits."
        case .notPrintableASCII: return "Use only letters, digits and punctuation, without spaces."
        case .unknownLogLevel: return "Choose debug, info, warning or error."
        }
    }
}

/// A refused form: per field, what was wrong, plus what was typed so the page can show it again.
/// Both dictionaries are keyed by field name, as `SettingsModel` expects.
public struct FormRejection: Error, Equatable, Sendable {
    public var fieldErrors: [String: String]
    public var enteredValues: [String: String]
}

/// The rules for the settings forms. Each field is trimmed first, because values are often
/// pasted with a stray space or newline.
public enum FormValidation {
    static let maximumURLLength = 2048
    /// Odoo's subscription codes are short (around 10–20 characters); 64 leaves room for any
    /// format change while refusing a pasted paragraph.
    static let maximumEnterpriseCodeLength = 64

    // MARK: Whole forms

    public static func serverForm(_ form: FormData) throws(FormRejection) -> String {
        do {
            return try serverURL(form["server_url"])
        } catch {
            throw rejection(form, ["server_url": error.message], fields: ["server_url"])
        }
    }

    public static func credentialForm(_ form: FormData) throws(FormRejection) -> (
        dbUUID: String, enterpriseCode: String
    ) {
        var errors: [String: String] = [:]
        var uuid = ""
        var code = ""
        do { uuid = try dbUUID(form["db_uuid"]) } catch { errors["db_uuid"] = error.message }
        do { code = try enterpriseCode(form["enterprise_code"]) } catch { errors["enterprise_code"] = error.message }
        guard errors.isEmpty else { throw rejection(form, errors, fields: ["db_uuid", "enterprise_code"]) }
        return (uuid, code)
    }

    public static func logLevelForm(_ form: FormData) throws(FormRejection) -> BoxLogLevel {
        do {
            return try logLevel(form["level"])
        } catch {
            throw rejection(form, ["level": error.message], fields: ["level"])
        }
    }

    // MARK: Single fields

    /// An http(s) URL with a host and nothing else that could surprise: no credentials, no
    /// query or fragment. Scheme and host are lowercased and trailing slashes dropped, so the
    /// stored value is the base address other URLs are built on.
    static func serverURL(_ raw: String?) throws(FieldValidationError) -> String {
        let value = trimmed(raw)
        guard !value.isEmpty else { throw .missing }
        guard value.count <= maximumURLLength else { throw .tooLong(maximum: maximumURLLength) }
        guard value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { throw .notHTTPURL }
        guard let schemeEnd = value.firstRange(of: "://") else { throw .notHTTPURL }
        let scheme = value[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw .notHTTPURL }
        let rest = value[schemeEnd.upperBound...]
        guard !rest.contains("?"), !rest.contains("#") else { throw .urlHasQueryOrFragment }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw .urlHasCredentials }
        guard let host = validatedAuthority(authority) else { throw .urlHasInvalidHost }
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        return "\(scheme)://\(host)\(path)"
    }

    /// The 8-4-4-4-12 hexadecimal form, lowercased.
    static func dbUUID(_ raw: String?) throws(FieldValidationError) -> String {
        let value = trimmed(raw).lowercased()
        guard !value.isEmpty else { throw .missing }
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12],
            groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) && $0.allSatisfy(\.isASCII) })
        else { throw .notUUID }
        return value
    }

    /// Printable ASCII without spaces: a code with a space or a non-ASCII letter is a typing
    /// or pasting mistake, and refusing it here is clearer than a refusal from the service.
    static func enterpriseCode(_ raw: String?) throws(FieldValidationError) -> String {
        let value = trimmed(raw)
        guard !value.isEmpty else { throw .missing }
        guard value.count <= maximumEnterpriseCodeLength else { throw .tooLong(maximum: maximumEnterpriseCodeLength) }
        guard value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { throw .notPrintableASCII }
        return value
    }

    static func logLevel(_ raw: String?) throws(FieldValidationError) -> BoxLogLevel {
        let value = trimmed(raw)
        guard !value.isEmpty else { throw .missing }
        guard let level = BoxLogLevel(named: value) else { throw .unknownLogLevel }
        return level
    }

    // MARK: Helpers

    private static func trimmed(_ raw: String?) -> String {
        guard let raw else { return "" }
        var slice = Substring(raw)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    /// `host[:port]` with a DNS name, an IPv4 address or a bracketed IPv6 address, and a port
    /// of 1–65535 when there is one; returned lowercased.
    private static func validatedAuthority(_ authority: Substring) -> String? {
        // The grammar reads `host:` as no port; as a typed address it is a mistake.
        guard !authority.hasSuffix(":"), let parsed = HostAndPort(authority) else { return nil }
        if parsed.kind == .registeredName {
            let labels = parsed.host.split(separator: ".", omittingEmptySubsequences: false)
            guard parsed.host.utf8.count <= 253,
                labels.allSatisfy({ label in
                    !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
                })
            else { return nil }
        }
        if let port = parsed.port, port == 0 { return nil }
        return HostAndPort.authority(host: parsed.normalizedHost, port: parsed.port)
    }

    private static func rejection(_ form: FormData, _ errors: [String: String], fields: [String]) -> FormRejection {
        var entered: [String: String] = [:]
        for name in fields { entered[name] = form[name] }
        return FormRejection(fieldErrors: errors, enteredValues: entered)
    }
}
