import Foundation
import Testing

@testable import CertService

@Suite struct ProvisioningProtocolTests {
    func answer(_ body: String, status: Int = 200) -> ProvisioningResponse {
        ProvisioningResponse(status: status, body: Array(body.utf8))
    }

    func failure(_ result: Result<ProvisionedCertificate, CertificateError>) -> CertificateError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test func requestBodyIsTheDocumentedJSONRPCCall() {
        let body = ProvisioningProtocol.requestBody(dbUUID: "0f3c-uuid", enterpriseCode: "M1234\"x")
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"jsonrpc": "2.0", "method": "call", "params": {"db_uuid": "0f3c-uuid", "enterprise_code": "M1234\"x"}}"#
        )
    }

    @Test func completeResultIsTheCertificate() throws {
        let body =
            #"{"jsonrpc":"2.0","id":null,"result":{"subject_cn":"*.ab12cd34.odoo-iot.com","#
            + #""x509_pem":"CHAIN","private_key_pem":"KEY","extra":1}}"#
        let certificate = try ProvisioningProtocol.interpret(answer(body)).get()
        #expect(
            certificate
                == ProvisionedCertificate(
                    subjectCommonName: "*.ab12cd34.odoo-iot.com", chainPEM: "CHAIN", keyPEM: "KEY"))
        #expect(!certificate.description.contains("KEY"))
    }

    @Test func anAnswerNamingAKeyTwiceIsABadAnswer() {
        let answers = [
            #"{"jsonrpc":"2.0","id":null,"result":{"subject_cn":"*.ab12cd34.odoo-iot.com","#
                + #""x509_pem":"CHAIN","private_key_pem":"KEY","x509_pem":"OTHER CHAIN"}}"#,
            #"{"jsonrpc":"2.0","id":null,"error":{"message":"Access Denied"},"error":null,"#
                + #""result":{"subject_cn":"a","x509_pem":"CHAIN","private_key_pem":"KEY"}}"#,
            #"{"result":{"error":"expired M1234567890"},"result":{"error":false}}"#,
        ]
        for body in answers {
            let error = failure(ProvisioningProtocol.interpret(answer(body), redacting: ["M1234567890"]))
            #expect(error?.cause == .answerNotJSON)
            #expect(error?.code == .loadRequestNoResult)
            #expect(error?.detail.contains("appears twice in one object") == true)
        }
    }

    @Test func non200IsRequestStatusWithTheStatus() {
        let error = failure(ProvisioningProtocol.interpret(answer("<html>Not Found</html>", status: 404)))
        #expect(error?.code == .loadRequestStatus)
        #expect(error?.httpStatus == 404)
        #expect(error?.detail.contains("Not Found") == true)
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":null}"#,
        #"{"jsonrpc":"2.0","id":null,"result":null}"#,
        #"{"jsonrpc":"2.0","id":null,"result":false}"#,
        #"{"jsonrpc":"2.0","id":null,"result":{}}"#,
        #"{"jsonrpc":"2.0","id":null,"result":{"subject_cn":"x","x509_pem":"y"}}"#,
        "<html>maintenance</html>",
        "",
    ])
    func emptyOrIncompleteAnswersAreNoResult(body: String) {
        #expect(failure(ProvisioningProtocol.interpret(answer(body)))?.code == .loadRequestNoResult)
    }

    @Test func resultErrorIsNoResultWithTheServersWords() {
        let error = failure(
            ProvisioningProtocol.interpret(answer(#"{"result":{"error":"Database is not a production database"}}"#)))
        #expect(error?.code == .loadRequestNoResult)
        #expect(error?.detail.contains("not a production database") == true)
    }

    @Test func jsonRPCErrorPrefersDataMessage() {
        let body =
            #"{"jsonrpc":"2.0","error":{"code":200,"message":"Odoo Server Error","#
            + #""data":{"message":"Subscription not in progress"}}}"#
        let error = failure(ProvisioningProtocol.interpret(answer(body)))
        #expect(error?.code == .loadRequestNoResult)
        #expect(error?.detail.contains("Subscription not in progress") == true)
    }

    @Test func echoedSecretsAreRedactedFromDetails() {
        let body = #"{"result":{"error":"unknown enterprise code SECRET-CODE-42"}}"#
        let error = failure(ProvisioningProtocol.interpret(answer(body), redacting: ["SECRET-CODE-42"]))
        #expect(error?.detail.contains("SECRET-CODE-42") == false)
    }

    /// A secret joined to the next or previous character into one grapheme (a combining accent
    /// after it, an Arabic number sign before it) is still the secret's bytes on a page.
    @Test func echoedSecretsAreRedactedWhateverCharacterTheyAreJoinedTo() {
        for text in ["SECRET-CODE-42\u{301}", "\u{600}SECRET-CODE-42", "\u{200D}SECRET-CODE-42\u{FE0F}"] {
            for (status, body) in [
                (200, #"{"result":{"error":"unknown enterprise code \#(text)"}}"#), (503, "<p>\(text)</p>"),
            ] {
                let error = failure(
                    ProvisioningProtocol.interpret(answer(body, status: status), redacting: ["SECRET-CODE-42"]))
                let detail = Array((error?.detail ?? "").utf8)
                func holds(_ text: String) -> Bool {
                    detail.indices.contains { detail[$0...].starts(with: Array(text.utf8)) }
                }
                #expect(!detail.isEmpty)
                #expect(!holds("SECRET-CODE-42"))
                #expect(holds("[redacted]"))
            }
        }
    }

    @Test func statusUpdateHasOdooDateTimeAndNoDoubleSlash() {
        #expect(
            ProvisioningProtocol.statusUpdateURL(serverURL: "https://shop.odoo.com/")
                == "https://shop.odoo.com/iot/box/update_certificate_status")
        let body = ProvisioningProtocol.statusUpdateBody(
            identifier: "box-1", certificateEnd: Date(timeIntervalSince1970: 1_801_267_200))
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"params": {"identifier": "box-1", "ssl_certificate_end_date": "2027-01-30 00:00:00"}}"#)
    }
}
