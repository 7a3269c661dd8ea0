import Foundation
import Glibc
import HTTPCore
import Testing

@testable import BoxConfig
@testable import HomepageServer

/// Odoo's own box routes (`/hw_proxy/hello`, `/iot_drivers/…`) in process: names, methods,
/// JSON shapes, the JSON-RPC envelope, and refusals that change nothing.
@Suite struct IoTDriverRouteTests {
    static let odoo = "https://shop.example.com"
    /// The origin of the box's own page at the address `InProcessBox` sends as Host.
    static let boxPage = "http://192.168.1.10:8069"
    static let uuid = "0123abcd-0123-4567-89ab-0123456789ab"
    static let configured = "[iot.box]\nremote_server = https://shop.example.com\n"
    static let withCredentials =
        "[iot.box]\nremote_server = https://shop.example.com\ndb_uuid = \(uuid)\nenterprise_code = SECRET-M2311\n"

    static func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// The whole body as a client would get it: the bytes in memory, then the streamed files.
    static func fullText(_ response: HTTPResponse) -> String {
        var bytes = response.body
        for file in response.bodyFiles {
            var chunk = [UInt8](repeating: 0, count: file.length)
            let read = chunk.withUnsafeMutableBytes {
                pread(file.descriptor, $0.baseAddress, file.length, off_t(file.offset))
            }
            bytes += chunk.prefix(max(0, read))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON-RPC call from the Odoo server's page.
    static func call(
        _ box: InProcessBox, _ path: String, _ body: String, origin: String? = odoo,
        contentType: String = "application/json", extra: [(String, String)] = []
    ) -> HTTPResponse {
        var headers = [("Content-Type", contentType)] + extra
        if let origin { headers.append(("Origin", origin)) }
        return box.send("POST", path, headers: headers, body: Array(body.utf8))
    }

    static func rpc(_ params: String, id: String = "7") -> String {
        "{\"jsonrpc\": \"2.0\", \"method\": \"call\", \"id\": \(id), \"params\": \(params)}"
    }

    // MARK: - Reads

    @Test func helloAnswersPingToAnyOrigin() throws {
        let box = try InProcessBox()
        let response = box.send("GET", "/hw_proxy/hello", headers: [("Origin", "https://anything.example")])
        #expect(response.status == 200)
        #expect(response.text == "ping")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(response.headers["Access-Control-Allow-Origin"] == "*")
    }

    @Test func pingAnswersPongToAnyOrigin() throws {
        let box = try InProcessBox()
        let response = box.send("GET", "/iot_drivers/ping", headers: [("Origin", "https://anything.example")])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Access-Control-Allow-Origin"] == "*")
        let body = try Self.json(response)
        #expect(body["status"] as? String == "success")
        #expect(body["message"] as? String == "pong")
        #expect(body.count == 2)
    }

    @Test func dataDescribesTheBoxAndNeverCarriesTheEnterpriseCode() throws {
        let box = try InProcessBox(odooConf: Self.withCredentials, provisioningStatus: 404)
        let response = box.send("GET", "/iot_drivers/data", headers: [("Origin", Self.odoo)])
        #expect(response.status == 200)
        #expect(!response.text.contains("SECRET-M2311"))
        #expect(!response.text.contains("enterprise_code"))
        let data = try Self.json(response)
        #expect(
            Set(data.keys) == [
                "identifier", "ip", "mac_address", "version", "system", "server_status", "db_uuid",
                "certificate_end_date", "network_interfaces", "system_uptime_seconds", "odoo_uptime_seconds",
            ])
        #expect(data["identifier"] as? String == "box-under-test")
        #expect(data["ip"] as? String == "192.168.1.10")
        #expect(data["mac_address"] as? String == "02:00:00:00:00:01")
        #expect(data["version"] as? String == MachineInfo.version)
        #expect(data["system"] as? String == "Linux")
        #expect(data["server_status"] as? String == Self.odoo)
        #expect(data["db_uuid"] as? String == Self.uuid)
        #expect(data["certificate_end_date"] is NSNull)
        let interfaces = try #require(data["network_interfaces"] as? [[String: Any]])
        for interface in interfaces {
            #expect(interface["id"] is String)
            #expect(interface["ip"] is String)
            #expect(interface["is_wifi"] as? Bool != nil)
            #expect(interface["ip"] as? String != "127.0.0.1", "loopback is left out, as Odoo does")
        }
        let systemUptime = try #require(data["system_uptime_seconds"] as? Double)
        let processUptime = try #require(data["odoo_uptime_seconds"] as? Double)
        #expect(systemUptime > 0)
        #expect(processUptime >= 0 && processUptime <= systemUptime)
    }

    @Test func dataWithoutSettingsHasNulls() throws {
        let box = try InProcessBox()
        let data = try Self.json(box.get("/iot_drivers/data"))
        #expect(data["server_status"] is NSNull)
        #expect(data["db_uuid"] is NSNull)
    }

    @Test func iotLogsCarriesTheLogFile() throws {
        let box = try InProcessBox()
        box.app.logSink.append("a line only this test writes")
        let response = box.get("/iot_drivers/iot_logs")
        #expect(response.status == 200)
        let body = try Self.json(response)
        #expect(body["status"] as? String == "success")
        #expect((body["logs"] as? String)?.contains("a line only this test writes") == true)
    }

    @Test func downloadLogsIsAnAttachmentNamedAsOdooNamesIt() throws {
        let box = try InProcessBox(odooConf: Self.configured)
        box.app.logSink.append("a line for the download")
        let response = box.send("GET", "/iot_drivers/download_logs", headers: [("Origin", Self.odoo)])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(response.body.isEmpty && !response.bodyFiles.isEmpty, "the log is streamed from its files")
        #expect(Self.fullText(response).contains("a line for the download"))
        let disposition = try #require(response.headers["Content-Disposition"])
        let pattern = #/attachment; filename="iot-odoo-box-under-test-\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.log"/#
        #expect(disposition.wholeMatch(of: pattern) != nil, "\(disposition)")
        #expect(response.headers["Access-Control-Allow-Origin"] == Self.odoo)
        #expect(response.headers["Access-Control-Expose-Headers"] == "Content-Disposition")
    }

    @Test func logFileNameKeepsOnlySafeCharacters() {
        let date = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(
            IoTDriverRoutes.logFileName(identifier: "box\"; x=1", at: date)
                == "iot-odoo-box___x_1-2026-09-21_14-13-20.log")
    }

    @Test func logLevelsNamesTheCurrentLevel() throws {
        let box = try InProcessBox()
        let body = try Self.json(box.get("/iot_drivers/log_levels"))
        #expect(body["root_logger_log_level"] as? String == "warning")
        #expect(body["odoo_current_log_level"] as? String == "warning")
        #expect(body["available_log_levels"] as? [String] == ["debug", "info", "warning", "error"])
        #expect(body["recommended_log_level"] as? String == "warning")
    }

    @Test func checkCertificateRunsACheckAndAnswersTheStatus() throws {
        let box = try InProcessBox(odooConf: Self.withCredentials, provisioningStatus: 404)
        box.waitForCheck()
        let before = box.provisioning.requestCount
        let response = box.send("GET", "/iot_drivers/check_certificate", headers: [("Origin", Self.odoo)])
        #expect(response.status == 200)
        let body = try Self.json(response)
        #expect(Set(body.keys).isSuperset(of: ["state", "subject", "not_after", "error", "last_check"]))
        #expect(body["state"] as? String == "error")
        let error = try #require(body["error"] as? [String: Any])
        #expect(error["code"] as? String == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS")
        // A check ran, unless the back-off of the one before it holds it, as for a homepage visit.
        #expect(box.provisioning.requestCount >= before)
        #expect(body["last_check"] is String)
    }

    @Test func routesAnswerOnlyTheirMethods() throws {
        let box = try InProcessBox()
        #expect(box.send("POST", "/iot_drivers/data").status == 405)
        #expect(box.send("GET", "/iot_drivers/save_credential").status == 405)
        #expect(box.send("GET", "/iot_drivers/log_levels_update").status == 405)
        #expect(box.send("PUT", "/iot_drivers/ping").status == 405)
        #expect(box.send("HEAD", "/iot_drivers/ping").status == 200)
    }

    // MARK: - JSON-RPC calls

    @Test func saveCredentialSavesThroughTheFormsRules() throws {
        let box = try InProcessBox(odooConf: Self.configured)
        let response = Self.call(
            box, "/iot_drivers/save_credential",
            Self.rpc("{\"db_uuid\": \" \(Self.uuid.uppercased()) \", \"enterprise_code\": \"M2311\"}"))
        #expect(response.status == 200)
        #expect(response.headers["Access-Control-Allow-Origin"] == Self.odoo)
        let body = try Self.json(response)
        #expect(body["jsonrpc"] as? String == "2.0")
        #expect(body["id"] as? Int == 7)
        #expect(body["error"] == nil)
        let result = try #require(body["result"] as? [String: Any])
        #expect(result["status"] as? String == "success")
        #expect((result["message"] as? String)?.contains("Credentials saved") == true)
        // Trimmed and lowercased as the form does.
        #expect(box.odooConfText.contains("db_uuid = \(Self.uuid)"))
        #expect(box.odooConfText.contains("enterprise_code = M2311"))
        box.waitForCheck()
        #expect(box.provisioning.requestCount >= 1, "saving starts a certificate request, as the form does")
    }

    @Test func saveCredentialRefusesWhatTheFormRefuses() throws {
        let box = try InProcessBox(odooConf: Self.configured)
        let response = Self.call(
            box, "/iot_drivers/save_credential", Self.rpc("{\"db_uuid\": \"not-a-uuid\", \"enterprise_code\": \"\"}"))
        #expect(response.status == 200)
        let result = try #require(try Self.json(response)["result"] as? [String: Any])
        #expect(result["status"] as? String == "error")
        let message = try #require(result["message"] as? String)
        #expect(message.contains(FieldValidationError.notUUID.message))
        #expect(message.contains(FieldValidationError.missing.message))
        let errors = try #require(result["errors"] as? [String: String])
        #expect(errors["db_uuid"] == FieldValidationError.notUUID.message)
        #expect(box.odooConfText == Self.configured)
    }

    @Test(arguments: [
        (
            "{\"params\": {\"db_uuid\": \"\(uuid)\", \"enterprise_code\": \"M1\", \"extra\": \"x\"}}",
            "unknown param \"extra\""
        ),
        ("{\"params\": {\"db_uuid\": \"\(uuid)\"}}", "missing param \"enterprise_code\""),
        ("{\"params\": {\"db_uuid\": \"\(uuid)\", \"enterprise_code\": 2311}}", "\"enterprise_code\" must be a string"),
        ("{\"params\": {\"db_uuid\": \"\(uuid)\", \"enterprise_code\": true}}", "\"enterprise_code\" must be a string"),
        ("{\"params\": {\"db_uuid\": null, \"enterprise_code\": \"M1\"}}", "\"db_uuid\" must be a string"),
        ("{\"params\": [\"\(uuid)\", \"M1\"]}", "params must be an object"),
    ])
    func badParamsGetAJSONRPCErrorAndSaveNothing(_ body: String, _ reason: String) throws {
        let box = try InProcessBox(odooConf: Self.configured)
        let response = Self.call(box, "/iot_drivers/save_credential", body)
        #expect(response.status == 200)
        let answer = try Self.json(response)
        #expect(answer["result"] == nil)
        let error = try #require(answer["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32602)
        let data = try #require(error["data"] as? [String: Any])
        #expect((data["message"] as? String)?.contains(reason) == true, "\(data)")
        #expect(response.headers["Access-Control-Allow-Origin"] == Self.odoo, "the caller's page can read why")
        #expect(box.odooConfText == Self.configured)
    }

    @Test(arguments: [
        ("{\"params\": {", 400, -32700),
        ("", 400, -32700),
        ("[1, 2]", 400, -32600),
        ("\"text\"", 400, -32600),
        ("{\"jsonrpc\": \"1.0\", \"params\": {}}", 400, -32600),
        ("{\"jsonrpc\": \"2.0\", \"params\": {}, \"surprise\": 1}", 400, -32600),
        ("{\"id\": {\"nested\": true}, \"params\": {}}", 400, -32600),
    ])
    func unreadableCallsGetA400AndSaveNothing(_ body: String, _ status: Int, _ code: Int) throws {
        let box = try InProcessBox(odooConf: Self.configured)
        let response = Self.call(box, "/iot_drivers/save_credential", body)
        #expect(response.status == status)
        let error = try #require(try Self.json(response)["error"] as? [String: Any])
        #expect(error["code"] as? Int == code)
        #expect(box.odooConfText == Self.configured)
    }

    /// Python, which Odoo's own box runs, keeps the last of two equal keys and this parser the
    /// first: such a call is refused as unreadable, whichever object names the key twice.
    @Test(arguments: [
        (
            "/iot_drivers/save_credential",
            "{\"params\": {\"db_uuid\": \"\(uuid)\", \"enterprise_code\": \"M1\", \"enterprise_code\": \"M2\"}}",
            "enterprise_code"
        ),
        (
            "/iot_drivers/save_credential",
            "{\"params\": {\"db_uuid\": \"x\", \"db\\u005fuuid\": \"\(uuid)\", \"enterprise_code\": \"M1\"}}",
            "db_uuid"
        ),
        (
            "/iot_drivers/save_credential",
            "{\"params\": {\"db_uuid\": \"\(uuid)\", \"enterprise_code\": \"M1\"}, \"params\": {}}",
            "params"
        ),
        (
            "/iot_drivers/save_credential",
            "{\"id\": 1, \"id\": 2, \"params\": {\"db_uuid\": \"\(uuid)\", \"enterprise_code\": \"M1\"}}",
            "id"
        ),
        ("/iot_drivers/clear_credential", "{\"jsonrpc\": \"2.0\", \"jsonrpc\": \"2.0\", \"params\": {}}", "jsonrpc"),
        (
            "/iot_drivers/log_levels_update",
            "{\"params\": {\"name\": \"iot-logging-root\", \"value\": \"debug\", \"value\": \"error\"}}",
            "value"
        ),
    ])
    func callsNamingAKeyTwiceGetA400AndChangeNothing(_ path: String, _ body: String, _ key: String) throws {
        let box = try InProcessBox(odooConf: Self.withCredentials)
        let response = Self.call(box, path, body)
        #expect(response.status == 400)
        let answer = try Self.json(response)
        #expect(answer["result"] == nil)
        #expect(answer["id"] is NSNull, "an id named twice is not echoed either")
        let error = try #require(answer["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32700)
        let data = try #require(error["data"] as? [String: Any])
        #expect((data["message"] as? String)?.contains("\"\(key)\" appears twice") == true, "\(data)")
        #expect(response.headers["Access-Control-Allow-Origin"] == Self.odoo, "the caller's page can read why")
        #expect(box.odooConfText == Self.withCredentials)
        #expect(box.app.logLevel.current == .warning)
    }

    @Test func aKeyNamedTwiceIsShortenedInTheAnswer() throws {
        let box = try InProcessBox(odooConf: Self.withCredentials)
        let long = String(repeating: "k", count: 5000)
        let response = Self.call(box, "/iot_drivers/clear_credential", "{\"params\": {\"\(long)\": 1, \"\(long)\": 2}}")
        #expect(response.status == 400)
        let error = try #require(try Self.json(response)["error"] as? [String: Any])
        let message = try #require((error["data"] as? [String: Any])?["message"] as? String)
        #expect(message.contains("\"\(String(repeating: "k", count: 64))…\" appears twice"), "\(message)")
        #expect(message.utf8.count < 200)
        #expect(box.odooConfText == Self.withCredentials)
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/jsonp", ""])
    func callsMustBeJSON(_ contentType: String) throws {
        let box = try InProcessBox(odooConf: Self.configured)
        let body = Self.rpc("{\"db_uuid\": \"\(Self.uuid)\", \"enterprise_code\": \"M1\"}")
        let response = Self.call(box, "/iot_drivers/save_credential", body, contentType: contentType)
        #expect(response.status == 415)
        let error = try #require(try Self.json(response)["error"] as? [String: Any])
        let data = try #require(error["data"] as? [String: Any])
        #expect((data["message"] as? String)?.contains("application/json") == true)
        #expect(box.odooConfText == Self.configured)
        let charset = Self.call(
            box, "/iot_drivers/save_credential", body, contentType: "Application/JSON; charset=utf-8")
        #expect(charset.status == 200)
    }

    @Test func clearCredentialByCallAndByGet() throws {
        let box = try InProcessBox(odooConf: Self.withCredentials)
        let call = Self.call(box, "/iot_drivers/clear_credential", Self.rpc("{}", id: "\"abc\""))
        let body = try Self.json(call)
        #expect(body["id"] as? String == "abc")
        #expect((body["result"] as? [String: Any])?["status"] as? String == "success")
        #expect(!box.odooConfText.contains("db_uuid"))
        #expect(!box.odooConfText.contains("enterprise_code"))
        #expect(box.odooConfText.contains("remote_server = https://shop.example.com"))

        let again = try InProcessBox(odooConf: Self.withCredentials)
        let get = again.send("GET", "/iot_drivers/clear_credential", headers: [("Origin", Self.odoo)])
        #expect(get.status == 200)
        let plain = try Self.json(get)
        #expect(plain["status"] as? String == "success")
        #expect(plain["message"] as? String == "Credentials removed.")
        #expect(!again.odooConfText.contains("enterprise_code"))
    }

    @Test func headDoesNotClearTheCredentials() throws {
        let box = try InProcessBox(odooConf: Self.withCredentials)
        let response = box.send("HEAD", "/iot_drivers/clear_credential", headers: [("Origin", Self.odoo)])
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, OPTIONS, POST")
        #expect(box.odooConfText == Self.withCredentials)
    }

    @Test func clearCredentialTakesNoParams() throws {
        let box = try InProcessBox(odooConf: Self.withCredentials)
        let response = Self.call(box, "/iot_drivers/clear_credential", Self.rpc("{\"db_uuid\": \"x\"}"))
        #expect((try Self.json(response)["error"] as? [String: Any])?["code"] as? Int == -32602)
        #expect(box.odooConfText == Self.withCredentials)
    }

    @Test func logLevelsUpdateSetsTheLevelAsTheFormDoes() throws {
        let box = try InProcessBox()
        let response = Self.call(
            box, "/iot_drivers/log_levels_update", Self.rpc("{\"name\": \"iot-logging-root\", \"value\": \"debug\"}"),
            origin: Self.boxPage)
        let result = try #require(try Self.json(response)["result"] as? [String: Any])
        #expect(result["status"] as? String == "success")
        #expect(box.app.logLevel.current == .debug)
        #expect(box.odooConfText.contains("log_level = debug"))
        #expect(try Self.json(box.get("/iot_drivers/log_levels"))["root_logger_log_level"] as? String == "debug")
    }

    @Test(arguments: [
        ("{\"name\": \"iot-logging-driver-printer\", \"value\": \"debug\"}", "Invalid logger name"),
        ("{\"name\": \"root\", \"value\": \"debug\"}", "Invalid logger name"),
        ("{\"name\": \"iot-logging-root\", \"value\": \"verbose\"}", FieldValidationError.unknownLogLevel.message),
    ])
    func logLevelsUpdateRefusesUnknownNamesAndLevels(_ params: String, _ reason: String) throws {
        let box = try InProcessBox()
        let response = Self.call(box, "/iot_drivers/log_levels_update", Self.rpc(params), origin: Self.boxPage)
        let result = try #require(try Self.json(response)["result"] as? [String: Any])
        #expect(result["status"] as? String == "error")
        #expect((result["message"] as? String)?.contains(reason) == true, "\(result)")
        #expect(box.app.logLevel.current == .warning)
        #expect(box.odooConfText.isEmpty)
    }
}
