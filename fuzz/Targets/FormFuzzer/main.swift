// The settings forms' body decoder and rules on any bytes. A decoded form must encode and
// decode back to itself; every rule's output must pass the same rule again unchanged (a
// stored value is a fixed point), and what ends in odoo.conf must be one clean line that reads
// back from the written file as saved.
import BoxConfig
import FuzzSupport
import HTTPCore

/// `application/x-www-form-urlencoded` as a browser writes it: `+` for space, `%XX` for
/// every byte that is not unreserved.
func encode(_ fields: [String: String]) -> [UInt8] {
    func escape(_ text: String, into out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "*"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            }
        }
    }
    var body: [UInt8] = []
    for (name, value) in fields {
        if !body.isEmpty { body.append(UInt8(ascii: "&")) }
        escape(name, into: &body)
        body.append(UInt8(ascii: "="))
        escape(value, into: &body)
    }
    return body
}

/// A value that will be written to odoo.conf or sent to the certificate service: one line of
/// printable ASCII with no surrounding blanks.
func checkStorable(_ value: String, _ what: String) {
    require(!value.isEmpty, "\(what): empty")
    require(value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "\(what): not printable ASCII: \(value.debugDescription)")
}

/// A validated value saved into odoo.conf reads back from the written file unchanged.
func checkSaved(_ value: String, as key: OdooConfig.Key) {
    var config = OdooConfig()
    config[key] = value
    let written = try? OdooConfig(parsing: Array(config.text.utf8))
    require(written?[key] == value, "a validated \(key) does not read back from odoo.conf as saved")
}

func checkRejection(_ rejection: FormRejection, of form: FormData, fields: Set<String>) {
    require(!rejection.fieldErrors.isEmpty, "a rejection without a field error")
    require(Set(rejection.fieldErrors.keys).isSubset(of: fields), "an error for a field the form does not have")
    for (name, entered) in rejection.enteredValues {
        require(fields.contains(name) && form[name] == entered, "an entered value that was not typed")
    }
}

runFuzzer { input in
    let body = Array(input)
    guard let form = try? FormData(decoding: body) else { return }
    require(form.fields.count <= FormData.maximumFieldCount, "more fields than the limit")

    // Decoding is the inverse of a browser's encoding.
    let again = try? FormData(decoding: encode(form.fields), maximumBodySize: Int.max)
    require(again == form, "a decoded form does not survive encoding and decoding again")

    do throws(FormRejection) {
        let url = try FormValidation.serverForm(form)
        checkStorable(url, "server URL")
        checkSaved(url, as: .remoteServer)
        require(url.hasPrefix("http://") || url.hasPrefix("https://"), "a server URL without http(s)")
        require(!url.hasSuffix("/"), "a server URL ending in /")
        let rest = url.drop { $0 != "/" }.dropFirst(2)
        let authority = rest.prefix { $0 != "/" }
        require(HostAndPort(authority) != nil, "a server URL whose authority does not parse")
        require(
            (try? FormValidation.serverForm(FormData(["server_url": url]))) == url,
            "a validated server URL changes when validated again")
    } catch {
        checkRejection(error, of: form, fields: ["server_url"])
    }

    do throws(FormRejection) {
        let (uuid, code) = try FormValidation.credentialForm(form)
        checkStorable(uuid, "database UUID")
        checkStorable(code, "enterprise code")
        checkSaved(uuid, as: .dbUUID)
        checkSaved(code, as: .enterpriseCode)
        require(uuid.utf8.count == 36 && uuid == uuid.lowercased(), "a database UUID not in 8-4-4-4-12 form")
        let again = try? FormValidation.credentialForm(FormData(["db_uuid": uuid, "enterprise_code": code]))
        require(again.map { $0 == (uuid, code) } == true, "a validated credential changes when validated again")
    } catch {
        checkRejection(error, of: form, fields: ["db_uuid", "enterprise_code"])
    }

    do throws(FormRejection) {
        let level = try FormValidation.logLevelForm(form)
        require(BoxLogLevel.names.contains(level.rawValue), "a log level without a name")
        checkSaved(level.rawValue, as: .logLevel)
        require(
            (try? FormValidation.logLevelForm(FormData(["level": level.rawValue]))) == level,
            "a validated log level changes when validated again")
    } catch {
        checkRejection(error, of: form, fields: ["level"])
    }
}
