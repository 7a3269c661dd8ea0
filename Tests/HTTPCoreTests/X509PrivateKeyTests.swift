import Foundation
import HTTPCore
import Testing

@Suite struct X509PrivateKeyTests {
    @Test func pkcs8ExportReadsBack() throws {
        let key = PrivateKey.generateECP256()
        let pem = key.pkcs8PEM
        #expect(String(decoding: pem, as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try PrivateKey(pem: pem)
        #expect(again.pkcs8PEM == pem)
    }

    @Test func generatedRSAKeySignsCertificates() throws {
        let ca = TLSTestSupport.makeCA()
        let key = PrivateKey.generateRSA(bits: 2048)
        let certificate = try ca.issue(
            commonName: "rsa.test", dnsNames: ["rsa.test"], notBefore: Date(),
            notAfter: Date().addingTimeInterval(TLSTestSupport.oneDay), key: key)
        #expect(certificate.matches(key))
    }

    @Test func traditionalRSAAndECKeysAreRead() throws {
        try TLSTestSupport.withTemporaryDirectory { directory in
            let rsaFile = directory.appendingPathComponent("rsa.pem").path
            let ecFile = directory.appendingPathComponent("ec.pem").path
            #expect(try TLSTestSupport.run("openssl", ["genrsa", "-traditional", "-out", rsaFile, "2048"]).status == 0)
            #expect(
                try TLSTestSupport.run(
                    "openssl", ["ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", ecFile]
                ).status == 0)
            let rsaPEM = try Array(Data(contentsOf: URL(fileURLWithPath: rsaFile)))
            let ecPEM = try Array(Data(contentsOf: URL(fileURLWithPath: ecFile)))
            #expect(String(decoding: rsaPEM, as: UTF8.self).contains("BEGIN RSA PRIVATE KEY"))
            #expect(String(decoding: ecPEM, as: UTF8.self).contains("BEGIN EC PRIVATE KEY"))
            _ = try PrivateKey(pem: rsaPEM)
            _ = try PrivateKey(pem: ecPEM)
        }
    }

    @Test func encryptedKeyIsRefusedWithoutPrompting() throws {
        try TLSTestSupport.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("locked.pem").path
            let result = try TLSTestSupport.run(
                "openssl",
                [
                    "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-aes-128-cbc", "-pass", "pass:secret", "-out", file,
                ])
            #expect(result.status == 0)
            let pem = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(throws: X509Error.self) { try PrivateKey(pem: pem) }
        }
    }

    @Test func garbageKeyIsRejectedWithAReason() {
        do {
            _ = try PrivateKey(pem: Array("not a key".utf8))
            Issue.record("garbage was accepted as a key")
        } catch {
            guard case .invalidPrivateKey(let detail) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(!detail.isEmpty)
        }
    }
}
