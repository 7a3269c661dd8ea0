import Foundation
import Testing

@testable import CertService

@Suite struct RenewalPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func facts(cn: String = "*.abcd1234.odoo-iot.com", daysLeft: Double, keyMatches: Bool = true) -> CertificateFacts {
        CertificateFacts(
            subjectCommonName: cn, notBefore: now.addingTimeInterval(-30 * day),
            notAfter: now.addingTimeInterval(daysLeft * day), dnsNames: [], keyMatches: keyMatches)
    }

    @Test func moreThanTenDaysLeftIsValid() {
        #expect(RenewalPolicy().evaluate(facts(daysLeft: 10.01), now: now) == .valid)
    }

    @Test func exactlyTenDaysLeftIsExpiring() {
        #expect(RenewalPolicy().evaluate(facts(daysLeft: 10), now: now) == .expiring)
    }

    @Test func pastTheEndIsExpired() {
        #expect(RenewalPolicy().evaluate(facts(daysLeft: -0.001), now: now) == .unusable(.expired))
    }

    @Test func mismatchedKeyIsUnusable() {
        #expect(RenewalPolicy().evaluate(facts(daysLeft: 80, keyMatches: false), now: now) == .unusable(.keyMismatch))
    }

    @Test func temporaryCertificateIsNeverValid() {
        let temp = facts(cn: "OdooTempIoTBoxCertificate", daysLeft: 3000)
        #expect(RenewalPolicy().evaluate(temp, now: now) == .unusable(.temporaryCertificate))
    }

    @Test func daysLeftRoundsDownAndStopsAtZero() {
        #expect(RenewalPolicy.daysLeft(until: now.addingTimeInterval(65.9 * day), now: now) == 65)
        #expect(RenewalPolicy.daysLeft(until: now.addingTimeInterval(-3 * day), now: now) == 0)
    }
}
