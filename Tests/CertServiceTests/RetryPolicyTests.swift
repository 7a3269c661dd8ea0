import Foundation
import HTTPCore
import TestSupport
import Testing

@testable import CertService

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func backOffDoublesFrom30SecondsToOneHour() {
        let delays = (1...9).map { policy.nominalBackOff(afterFailures: $0) }
        #expect(delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
    }

    @Test func jitterSpansPlusOrMinusTwentyPercentAndNoMore() {
        for failures in 1...10 {
            let nominal = policy.nominalBackOff(afterFailures: failures)
            #expect(policy.backOff(afterFailures: failures, unitRandom: 0) == nominal * 0.8)
            #expect(policy.backOff(afterFailures: failures, unitRandom: 0.5) == nominal)
            let top = policy.backOff(afterFailures: failures, unitRandom: 0.999_999)
            #expect(top < nominal * 1.2 && top > nominal * 1.199)
        }
    }

    /// With the system's randomness, every delay stays within the band and the fleet's
    /// delays really spread over it.
    @Test func randomDelaysStayWithinTheBandAndSpreadOverIt() {
        let samples = (0..<2000).map { _ in
            policy.backOff(afterFailures: 8, unitRandom: Double.random(in: 0..<1)) / 3600
        }
        #expect(samples.allSatisfy { $0 >= 0.8 && $0 < 1.2 })
        #expect(samples.min()! < 0.85)
        #expect(samples.max()! > 1.15)
    }

    @Test func retryAfterInSecondsOnlyFor429And503() {
        #expect(policy.retryAfterDelay(status: 503, retryAfter: "600", now: now) == 600)
        #expect(policy.retryAfterDelay(status: 429, retryAfter: " 120 ", now: now) == 120)
        #expect(policy.retryAfterDelay(status: 500, retryAfter: "600", now: now) == nil)
        #expect(policy.retryAfterDelay(status: 200, retryAfter: "600", now: now) == nil)
        #expect(policy.retryAfterDelay(status: 503, retryAfter: nil, now: now) == nil)
        #expect(policy.retryAfterDelay(status: 503, retryAfter: "soon", now: now) == nil)
        #expect(policy.retryAfterDelay(status: 503, retryAfter: "-5", now: now) == nil)
    }

    @Test func retryAfterAsAnHTTPDate() {
        let date = HTTPDate.format(Int(now.timeIntervalSince1970) + 900)
        #expect(policy.retryAfterDelay(status: 503, retryAfter: date, now: now) == 900)
        let past = HTTPDate.format(Int(now.timeIntervalSince1970) - 900)
        #expect(policy.retryAfterDelay(status: 503, retryAfter: past, now: now) == 0)
    }

    @Test func retryAfterIsCappedAtOneDay() {
        #expect(policy.retryAfterDelay(status: 503, retryAfter: "999999", now: now) == 86_400)
        #expect(policy.retryAfterDelay(status: 503, retryAfter: "99999999999999999999999", now: now) == 86_400)
        let far = HTTPDate.format(Int(now.timeIntervalSince1970) + 10 * 86_400)
        #expect(policy.retryAfterDelay(status: 429, retryAfter: far, now: now) == 86_400)
    }

    @Test func nextTryIsTheBackOffOrLaterWhenTheServiceAsks() {
        #expect(policy.nextTry(afterFailures: 1, retryAfter: nil, now: now, unitRandom: 0.5) == now + 30)
        #expect(policy.nextTry(afterFailures: 1, retryAfter: 600, now: now, unitRandom: 0.5) == now + 600)
        #expect(policy.nextTry(afterFailures: 8, retryAfter: 600, now: now, unitRandom: 0.5) == now + 3600)
    }

    @Test func quickResendsOnlyForRequestsThatNeverReachedTheService() {
        #expect(policy.resendsAtOnce(after: .connectionRefused, attempt: 1))
        #expect(policy.resendsAtOnce(after: .connectionRefused, attempt: 2))
        #expect(!policy.resendsAtOnce(after: .connectionRefused, attempt: 3))
        #expect(!policy.resendsAtOnce(after: .timedOutAfterSending, attempt: 1))
        #expect(!policy.resendsAtOnce(after: .invalidURL, attempt: 1))
    }

    @Test func dailyCheckTimeCoversTheWholeDay() {
        #expect(policy.dailyCheckSecond(unitRandom: 0) == 0)
        #expect(policy.dailyCheckSecond(unitRandom: 0.5) == 43_200)
        #expect(policy.dailyCheckSecond(unitRandom: 0.999_999_9) == 86_399)
        // 1_800_000_000 is 2027-01-15 08:00:00 UTC.
        let later = policy.nextDailyCheck(after: now, atSecond: 9 * 3600)
        #expect(later == now + 3600)
        let tomorrow = policy.nextDailyCheck(after: now, atSecond: 7 * 3600)
        #expect(tomorrow == now + 23 * 3600)
        #expect(policy.nextDailyCheck(after: now, atSecond: 8 * 3600) == now + 86_400)
    }

    @Test func dailyCheckTimeIsDrawnOnceAndKept() throws {
        let directory = TemporaryDirectory(prefix: "cert-tests")
        defer { directory.remove() }
        let path = directory.path + "/" + DailyCheckTime.fileName
        let first = DailyCheckTime.loadOrCreate(path: path, policy: policy, unitRandom: { 0.25 })
        #expect(first.second == 21_600)
        #expect(first.problem == nil)
        #expect(directory.read(DailyCheckTime.fileName) == "21600\n")
        // A restart draws something else, but the stored time wins.
        let again = DailyCheckTime.loadOrCreate(path: path, policy: policy, unitRandom: { 0.75 })
        #expect(again.second == 21_600)
        directory.write(DailyCheckTime.fileName, "garbage")
        let repaired = DailyCheckTime.loadOrCreate(path: path, policy: policy, unitRandom: { 0.75 })
        #expect(repaired.second == 64_800)
        #expect(repaired.problem != nil)
        #expect(directory.read(DailyCheckTime.fileName) == "64800\n")
    }

    @Test func theProductWaits95SecondsForARequestAndTenToConnect() {
        let configuration = HTTPClientProvisioningTransport.clientConfiguration()
        #expect(HTTPClientProvisioningTransport.defaultRequestTimeout == .seconds(95))
        #expect(configuration.totalTimeout == .seconds(95))
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(
            HTTPClientProvisioningTransport.clientConfiguration(requestTimeout: .seconds(30)).totalTimeout
                == .seconds(30))
    }
}
