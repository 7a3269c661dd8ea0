import Testing

@testable import CertService

@Suite struct CertificateErrorTests {
    @Test func codesAreTheDocumentedStrings() {
        let raw = Set(CertificateErrorCode.allCases.map(\.rawValue))
        #expect(
            raw == [
                "ERR_IOT_HTTPS_CHECK_NO_SERVER", "ERR_IOT_HTTPS_CHECK_CERT_READ_EXCEPTION",
                "ERR_IOT_HTTPS_LOAD_NO_CREDENTIAL", "ERR_IOT_HTTPS_LOAD_REQUEST_EXCEPTION",
                "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS", "ERR_IOT_HTTPS_LOAD_REQUEST_NO_RESULT",
                "ERR_IOT_HTTPS_LOAD_INVALID_CERTIFICATE", "ERR_IOT_HTTPS_STORE_EXCEPTION",
            ])
    }

    /// One cause per code, and every request failure: what the checker can produce.
    static let causes: [CertificateError.Cause] =
        [
            .noServer, .certificateUnreadable, .missingCredential, .httpStatus(503), .answerNotJSON, .serviceError,
            .noResult, .invalidCertificate, .storeFailed,
        ] + CertificateRequestFailure.allCases.map { .requestFailed($0) }

    @Test func displayCodeAppendsTheHTTPStatus() {
        let error = CertificateError(.httpStatus(404), detail: "the certificate service answered HTTP 404")
        #expect(error.code == .loadRequestStatus)
        #expect(error.httpStatus == 404)
        #expect(error.displayCode == "ERR_IOT_HTTPS_LOAD_REQUEST_STATUS 404")
        #expect(error.meaning.contains("404"))
        #expect(error.advice.contains { $0.contains("404") && $0.contains("support ticket") })
    }

    @Test func displayCodeWithoutStatusIsTheBareCode() {
        let error = CertificateError(.noServer, detail: "no Odoo server is configured")
        #expect(error.displayCode == "ERR_IOT_HTTPS_CHECK_NO_SERVER")
        #expect(error.httpStatus == nil)
    }

    @Test func everyCodeHasACauseWithMeaningAndAdvice() {
        #expect(Set(Self.causes.map(\.code)) == Set(CertificateErrorCode.allCases))
        for cause in Self.causes {
            let error = CertificateError(cause, detail: "x")
            #expect(!error.meaning.isEmpty)
            #expect(!error.advice.isEmpty)
            #expect(!cause.summary.isEmpty)
        }
    }

    @Test func requestFailuresAreRequestExceptionsAndAnswersAreNoResult() {
        for failure in CertificateRequestFailure.allCases {
            #expect(CertificateError.Cause.requestFailed(failure).code == .loadRequestException)
        }
        for cause: CertificateError.Cause in [.answerNotJSON, .serviceError, .noResult] {
            #expect(cause.code == .loadRequestNoResult)
        }
    }

    @Test func noResultAdviceExplainsEligibility() {
        let advice = CertificateError(.serviceError, detail: "the service refused: not a production database")
            .advice.joined(separator: " ")
        #expect(advice.contains("production"))
        #expect(advice.contains("staging"))
        #expect(advice.contains("In Progress"))
        #expect(advice.contains("IoT box"))
    }

    @Test func anAnswerThatIsNotJSONGetsMaintenanceAdviceFirst() {
        let page = CertificateError(.answerNotJSON, detail: "the answer is not a JSON object: <html>")
        let refusal = CertificateError(.serviceError, detail: "the service refused: closed subscription")
        #expect(page.advice.first?.contains("maintenance") == true)
        #expect(!refusal.advice.contains { $0.contains("maintenance") })
    }

    /// The advice follows the cause, whatever the words of the detail: the details here are the
    /// client's own texts for each failure.
    @Test func dnsAdviceAppearsForEveryNameResolutionFailureAndNoOther() {
        let url = "POST https://www.odoo.com/odoo-enterprise/iot/x509"
        let failed = CertificateError(
            .requestFailed(.nameNotResolved), detail: "\(url): cannot resolve www.odoo.com: Name or service not known")
        let timedOut = CertificateError(
            .requestFailed(.nameResolutionTimedOut), detail: "\(url): resolving www.odoo.com took too long")
        let refused = CertificateError(
            .requestFailed(.connectionRefused), detail: "\(url): connection refused by www.odoo.com port 443")
        #expect(failed.advice.contains { $0.contains("Google DNS") })
        #expect(timedOut.advice.contains { $0.contains("Google DNS") })
        #expect(!refused.advice.contains { $0.contains("Google DNS") })
        #expect(refused.advice.contains { $0.contains("firewall") && $0.contains("VPN") })
        for failure in CertificateRequestFailure.allCases where !failure.isNameResolution {
            let error = CertificateError(.requestFailed(failure), detail: "resolve dns odoo-iot.com")
            #expect(!error.advice.contains { $0.contains("Google DNS") }, "\(failure)")
        }
    }

    @Test func aRequestTheServiceReceivedIsNotCalledUnreachable() {
        let sent = CertificateError(
            .requestFailed(.timedOutAfterSending), detail: "POST https://x/: the server did not answer in time")
        let unsent = CertificateError(
            .requestFailed(.connectTimedOut), detail: "POST https://x/: the connection could not be established in time"
        )
        #expect(sent.meaning.contains("got no usable answer"))
        #expect(!sent.meaning.contains("could not reach"))
        #expect(unsent.meaning.contains("could not reach"))
    }

    @Test func onlyRequestsThatNeverReachedTheServiceDeserveAQuickResend() {
        let unsent: Set<CertificateRequestFailure> = [
            .nameNotResolved, .nameResolutionTimedOut, .connectionRefused, .connectTimedOut, .resetBeforeSending,
            .timedOutBeforeSending, .tlsUntrusted, .tlsWrongHost, .tlsHandshakeFailed, .proxyFailed,
        ]
        for failure in CertificateRequestFailure.allCases {
            #expect(failure.deservesQuickResend == unsent.contains(failure), "\(failure)")
            #expect(failure.reachedService == !(unsent.contains(failure) || failure == .invalidURL), "\(failure)")
        }
    }
}
