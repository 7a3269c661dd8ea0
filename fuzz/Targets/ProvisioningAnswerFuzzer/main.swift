// The certificate service's answer, read by CertService's ProvisioningProtocol, on any body
// bytes, as a 200 and as an error status. The reading must end in a certificate or a typed
// failure whose detail never carries the credential sent (the service may echo it), and a
// certificate only comes from a 200 whose fields are all there. The duplicate-key check the
// reading relies on must name a key the document really has, and never refuse what JSONValue
// itself writes.
import CertService
import FuzzSupport
import HTTPCore

let enterpriseCode = "M2211445566"
let dbUUID = "0f3c1c2e-5d7a-4b8e-9a61-2f0c9d3e7b14"

func contains(_ haystack: String, _ needle: String) -> Bool {
    let bytes = Array(haystack.utf8)
    let pattern = Array(needle.utf8)
    guard bytes.count >= pattern.count else { return false }
    return (0...(bytes.count - pattern.count)).contains { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
}

func keys(of value: JSONValue, into all: inout Set<String>) {
    switch value {
    case .object(let members):
        for (key, member) in members {
            all.insert(key)
            keys(of: member, into: &all)
        }
    case .array(let elements):
        for element in elements { keys(of: element, into: &all) }
    default:
        break
    }
}

runFuzzer { input in
    let body = Array(input)
    if let value = try? JSONValue(parsing: body) {
        do {
            _ = try JSONValue(parsing: body, duplicateKeys: .refuse)
        } catch let duplicate as JSONDuplicateKeyError {
            var all: Set<String> = []
            keys(of: value, into: &all)
            require(all.contains(duplicate.key), "a duplicate key the document does not have: \(duplicate)")
        } catch {
            fatalError("a parsed document fails to parse again: \(error)")
        }
        do {
            _ = try JSONValue(parsing: value.serialized(), duplicateKeys: .refuse)
        } catch {
            fatalError("a written document is refused: \(error)")
        }
    }
    for status in [200, 503] {
        let answer = ProvisioningResponse(status: status, body: body)
        let result = ProvisioningProtocol.interpret(answer, redacting: [enterpriseCode, dbUUID])
        switch result {
        case .success(let certificate):
            require(status == 200, "a certificate from HTTP \(status)")
            require(
                !certificate.subjectCommonName.isEmpty && !certificate.chainPEM.isEmpty && !certificate.keyPEM.isEmpty,
                "a certificate with an empty field")
        case .failure(let error):
            if status != 200 { require(error.httpStatus == status, "an error status read as another cause") }
            require(!error.detail.isEmpty, "a failure without a detail")
            for secret in [enterpriseCode, dbUUID] {
                require(!contains(error.detail, secret), "a credential in the failure's detail")
            }
        }
    }
}
