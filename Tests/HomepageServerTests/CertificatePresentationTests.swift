import CertService
import Foundation
import Testing

@testable import HomepageServer

@Suite struct CertificatePresentationTests {
    @Test func validityIsShownToTheMinuteAndChecksToTheSecond() {
        // 2026-11-26 10:00:30 UTC
        let moment = Date(timeIntervalSince1970: 1_795_687_230)
        let status = CertificateStatus(
            state: .error, subject: nil, notBefore: moment, notAfter: moment, daysLeft: nil, error: nil,
            lastCheck: moment, nextRetry: moment.addingTimeInterval(30))
        let banner = CertificatePresentation.banner(status)
        #expect(banner.validFrom == "2026-11-26 10:00 UTC")
        #expect(banner.lastCheck == "2026-11-26 10:00:30 UTC")
        #expect(banner.nextRetry == "2026-11-26 10:01:00 UTC")
    }

    @Test(arguments: CertificateState.allCases)
    func bannerStateIsTheCertificateStateOfTheSameName(state: CertificateState) {
        #expect(CertificatePresentation.bannerState(state).rawValue == state.rawValue)
    }

    @Test func everyFieldOfADateHasItsLeadingZero() {
        // 2027-01-05 03:04:09 UTC
        let moment = Date(timeIntervalSince1970: 1_799_118_249)
        #expect(CertificatePresentation.displayDate(moment) == "2027-01-05 03:04 UTC")
        #expect(CertificatePresentation.displayDate(moment, seconds: true) == "2027-01-05 03:04:09 UTC")
        #expect(
            CertificatePresentation.displayDate(Date(timeIntervalSince1970: 0), seconds: true)
                == "1970-01-01 00:00:00 UTC")
    }

    /// The dates written last are kept under their whole second and whether seconds are shown:
    /// whatever the order, more dates than are kept, and the same second with and without
    /// seconds, each text is the one written anew.
    @Test func keptDatesAreAlwaysTheDateAsked() {
        let base = 1_795_687_230
        var asked: [(Int, Bool)] = []
        for offset in [0, 1, 59, 60, 3_600, 86_400, 0, 1, 31_536_000, -1, 0, 59, 61, 120, 7, 0, 3_600] {
            asked.append((base + offset, false))
            asked.append((base + offset, true))
        }
        for (seconds, showsSeconds) in asked + asked.reversed() {
            let shown = CertificatePresentation.displayDate(
                Date(timeIntervalSince1970: Double(seconds)), seconds: showsSeconds)
            #expect(shown == CertificatePresentation.formatDate(epochSeconds: seconds, showsSeconds: showsSeconds))
        }
        #expect(CertificatePresentation.displayDate(Date(timeIntervalSince1970: 59.9)) == "1970-01-01 00:00 UTC")
        #expect(CertificatePresentation.displayDate(Date(timeIntervalSince1970: 60)) == "1970-01-01 00:01 UTC")
    }

    /// The detail is the certificate service's own text: a page shows a bounded excerpt of it,
    /// whatever the service sent.
    @Test func aHugeServiceMessageIsShownAsAnExcerpt() throws {
        let detail = "the service returned an error: " + String(repeating: "spam ", count: 200_000)
        let status = CertificateStatus(
            state: .error, error: CertificateError(.serviceError, detail: detail), lastCheck: Date())
        let shown = try #require(CertificatePresentation.errorBox(status)?.detail)
        #expect(shown.count <= CertificatePresentation.maximumDetailLength + 1)
        #expect(shown.hasPrefix("the service returned an error: spam"))
        #expect(shown.hasSuffix("…"))
    }

    @Test func aShortDetailIsShownWhole() throws {
        let status = CertificateStatus(
            state: .error, error: CertificateError(.requestFailed(.connectionRefused), detail: "connection refused"),
            lastCheck: Date())
        #expect(CertificatePresentation.errorBox(status)?.detail == "connection refused")
    }
}
