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
}
