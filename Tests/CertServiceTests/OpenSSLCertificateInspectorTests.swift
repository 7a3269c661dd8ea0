import Foundation
import HTTPCore
import Sandbox
import Testing

@testable import CertService

@Suite struct OpenSSLCertificateInspectorTests {
    @Test func otherKeyDoesNotMatch() throws {
        let now = Date()
        let authority = CertificateAuthority.create(
            commonName: "Test CA", validity: now...now.addingTimeInterval(86_400))
        let leafKey = PrivateKey.generateECP256()
        let leaf = try authority.issue(
            commonName: "box.test", dnsNames: ["box.test"], notBefore: now, notAfter: now.addingTimeInterval(3600),
            key: leafKey)
        let chain = String(decoding: leaf.pem, as: UTF8.self)
        let inspector = OpenSSLCertificateInspector()
        let matching = try inspector.inspect(chainPEM: chain, keyPEM: String(decoding: leafKey.pkcs8PEM, as: UTF8.self))
        #expect(matching.keyMatches)
        #expect(matching.subjectCommonName == "box.test")
        let other = String(decoding: PrivateKey.generateECP256().pkcs8PEM, as: UTF8.self)
        #expect(try !inspector.inspect(chainPEM: chain, keyPEM: other).keyMatches)
    }

    @Test func garbageIsUnreadable() {
        #expect(throws: CertificateInspectionError.self) {
            try OpenSSLCertificateInspector().inspect(chainPEM: "garbage", keyPEM: "garbage")
        }
    }
}
