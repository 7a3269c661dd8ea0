import Foundation
import TestSupport
import Testing

/// The two errors about the box's own certificate files, as a support engineer meets them:
/// the homepage names the code, says where to look, and following its advice fixes the box.
@Suite struct EndToEndCertificateFileErrorTests {
    @Test func aDamagedCertificateFileIsReportedAndRemovingItAsAdvisedBringsANewOne() throws {
        let box = try EndToEndBox()
        try EndToEndCertificateTests.obtainCertificate(box)
        let certificateFile = box.dataDirectory + "/tls/cert.pem"
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: certificateFile))

        let damaged = try box.client.get("/").text
        #expect(damaged.contains("<code>ERR_IOT_HTTPS_CHECK_CERT_READ_EXCEPTION</code>"))
        #expect(damaged.contains(certificateFile), "the detail names the file")
        #expect(damaged.contains("remove the certificate file"), "the advice says how to recover")
        #expect(FileManager.default.fileExists(atPath: certificateFile), "the box keeps the file")

        try FileManager.default.removeItem(atPath: certificateFile)
        _ = try box.client.get("/")
        try box.waitForStatus("a new certificate after the damaged file was removed") {
            $0.object("certificate")?.string("state") == "valid"
        }
    }

    @Test func aCertificateThatCannotBeStoredPointsAtTheCertificateFolder() throws {
        let scratch = TemporaryDirectory()
        // A regular file where the certificate's folder should be: no write can succeed.
        scratch.write("not-a-folder", "")
        let box = try EndToEndBox(extraArguments: ["--cert-file", scratch.file("not-a-folder/cert.pem")])
        let credential = try EndToEndFormTests.credential(of: box, named: "demo-production")
        _ = try box.client.submit(
            "/settings/credential", [("db_uuid", credential.uuid), ("enterprise_code", credential.code)])
        try box.waitForStatus("the store error") {
            EndToEndCertificateTests.errorCode($0) == "ERR_IOT_HTTPS_STORE_EXCEPTION"
        }

        let page = try box.client.get("/").text
        #expect(page.contains("<code>ERR_IOT_HTTPS_STORE_EXCEPTION</code>"))
        #expect(page.contains(scratch.file("not-a-folder")), "the detail names the path")
        #expect(page.contains("folder of the certificate and key files"), "the advice points where the detail does")
    }
}
