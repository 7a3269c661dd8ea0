import Foundation
import TestSupport
import Testing

/// `--provisioning-timeout` is what bounds the certificate request of the real executable.
@Suite struct EndToEndProvisioningTimeoutTests {
    @Test func aServiceSlowerThanTheTimeoutIsARequestThatGotNoAnswer() throws {
        let box = try EndToEndBox(extraArguments: ["--provisioning-timeout", "1"])
        try Data(#"{"delay_ms": 3000}"#.utf8).write(
            to: URL(fileURLWithPath: box.dataDirectory + "/sandbox/knobs.json"))
        let credential = try EndToEndFormTests.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])

        let status = try box.waitForStatus("the request to time out") {
            EndToEndCertificateTests.errorCode($0) == "ERR_IOT_HTTPS_LOAD_REQUEST_EXCEPTION"
        }
        let detail = status.object("certificate")?.object("error")?.string("detail") ?? ""
        #expect(detail.hasSuffix("the server did not answer in time"), "\(detail)")
        // The service received it: the page says so instead of blaming the network.
        let page = try box.client.get("/").text
        #expect(page.contains("got no usable answer"))
    }
}
