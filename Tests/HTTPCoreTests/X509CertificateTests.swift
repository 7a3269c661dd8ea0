import Foundation
import HTTPCore
import Sandbox
import Testing

@Suite struct X509CertificateTests {
    @Test func chainIsParsedLeafFirst() throws {
        let ca = TLSTestSupport.makeCA("Chain CA")
        let leaf = try TLSTestSupport.makeLeaf(ca, names: ["box.example.test"])
        let chain = try X509Certificate.parseChain(pem: leaf.certificate.pem + ca.certificate.pem)
        #expect(chain.count == 2)
        #expect(chain[0].subjectCommonName == "box.example.test")
        #expect(chain[1].subjectCommonName == "Chain CA")
    }

    @Test func emptyInputIsRejected() {
        #expect(throws: X509Error.noCertificate) { try X509Certificate.parseChain(pem: []) }
        #expect(throws: X509Error.noCertificate) { try X509Certificate(pem: Array("hello".utf8)) }
    }

    @Test func damagedBlockIsRejected() throws {
        let ca = TLSTestSupport.makeCA()
        var text = String(decoding: ca.certificate.pem, as: UTF8.self)
        text = text.replacingOccurrences(of: "MII", with: "M!I")
        #expect(throws: X509Error.self) { try X509Certificate.parseChain(pem: Array(text.utf8)) }
        do {
            _ = try X509Certificate.parseChain(pem: Array(text.utf8))
        } catch {
            guard case .invalidCertificate(let detail) = error else {
                Issue.record("expected invalidCertificate, got \(error)")
                return
            }
            #expect(!detail.isEmpty)
        }
    }

    @Test func issuedCertificateCarriesRequestedFields() throws {
        let ca = TLSTestSupport.makeCA("Fields CA")
        let notBefore = Date(timeIntervalSince1970: 1_800_000_000)
        let notAfter = Date(timeIntervalSince1970: 1_807_776_000)
        let key = PrivateKey.generateECP256()
        let certificate = try ca.issue(
            commonName: "*.abcd1234.odoo-iot.com", dnsNames: ["*.abcd1234.odoo-iot.com", "abcd1234.odoo-iot.com"],
            notBefore: notBefore, notAfter: notAfter, key: key)
        #expect(certificate.subjectCommonName == "*.abcd1234.odoo-iot.com")
        #expect(certificate.issuerCommonName == "Fields CA")
        #expect(certificate.subjectAlternativeDNSNames == ["*.abcd1234.odoo-iot.com", "abcd1234.odoo-iot.com"])
        #expect(certificate.notBefore == notBefore)
        #expect(certificate.notAfter == notAfter)
        #expect(certificate.serialNumberHex.count == 32)
        #expect(certificate.sha256FingerprintHex.count == 64)
    }

    @Test func fingerprintAndSerialAgreeWithOpenSSL() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca)
        try TLSTestSupport.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("cert.pem")
            try Data(leaf.certificate.pem).write(to: file)
            let output = try TLSTestSupport.run(
                "openssl", ["x509", "-in", file.path, "-noout", "-fingerprint", "-sha256", "-serial", "-text"])
            #expect(output.status == 0)
            let text = output.standardOutput
            let colonless = text.replacingOccurrences(of: ":", with: "")
            #expect(colonless.contains("Fingerprint=\(leaf.certificate.sha256FingerprintHex)"))
            #expect(text.contains("serial=\(leaf.certificate.serialNumberHex)"))
            #expect(text.contains("CA:FALSE"))
            #expect(text.contains("TLS Web Server Authentication"))
            #expect(text.contains("ecdsa-with-SHA256"))
        }
    }

    @Test func authorityCertificateIsMarkedAsCA() throws {
        let ca = TLSTestSupport.makeCA()
        try TLSTestSupport.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("ca.pem")
            try Data(ca.certificate.pem).write(to: file)
            let output = try TLSTestSupport.run("openssl", ["x509", "-in", file.path, "-noout", "-text"])
            #expect(output.standardOutput.contains("CA:TRUE"))
            #expect(output.standardOutput.contains("Certificate Sign"))
        }
    }

    @Test func issuerCheckVerifiesTheSignature() throws {
        let ca = TLSTestSupport.makeCA("Same Name")
        let impostor = TLSTestSupport.makeCA("Same Name")
        let leaf = try TLSTestSupport.makeLeaf(ca)
        #expect(leaf.certificate.isIssued(by: ca.certificate))
        #expect(!leaf.certificate.isIssued(by: impostor.certificate))
        #expect(ca.certificate.isIssued(by: ca.certificate))
    }

    @Test func certificateMatchesOnlyItsOwnKey() throws {
        let ca = TLSTestSupport.makeCA()
        let leaf = try TLSTestSupport.makeLeaf(ca)
        #expect(leaf.certificate.matches(leaf.key))
        #expect(!leaf.certificate.matches(PrivateKey.generateECP256()))
        #expect(!leaf.certificate.matches(ca.key))
    }

    @Test func authorityRoundTripsThroughPEM() throws {
        let ca = TLSTestSupport.makeCA("Round Trip")
        let loaded = try CertificateAuthority(certificatePEM: ca.certificate.pem, keyPEM: ca.key.pkcs8PEM)
        let leaf = try TLSTestSupport.makeLeaf(loaded)
        #expect(leaf.certificate.isIssued(by: ca.certificate))
        #expect(throws: X509Error.self) {
            try CertificateAuthority(
                certificatePEM: ca.certificate.pem, keyPEM: PrivateKey.generateECP256().pkcs8PEM)
        }
    }
}
