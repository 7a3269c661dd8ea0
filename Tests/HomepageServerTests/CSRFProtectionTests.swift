import HTTPCore
import Synchronization
import TestSupport
import Testing

@testable import HomepageServer

/// A clock the tests move by hand.
final class ManualClock: Sendable {
    private let seconds = Mutex(1_800_000_000)
    var now: Int { seconds.withLock { $0 } }
    func advance(_ delta: Int) { seconds.withLock { $0 += delta } }
}

@Suite struct CSRFProtectionTests {
    let clock = ManualClock()
    var protection: CSRFProtection {
        let clock = clock
        return CSRFProtection(key: [UInt8](repeating: 0xAB, count: 32), now: { clock.now })
    }

    func post(cookie: String?, secure: Bool = false) -> HTTPRequest {
        var headers = HTTPHeaders([("Host", "192.168.1.10:8069")])
        if let cookie { headers.add("Cookie", cookie) }
        var request = HTTPRequest(
            method: "POST", target: "/settings/server", path: "/settings/server", headers: headers)
        request.isSecure = secure
        return request
    }

    func cookie(_ session: CSRFProtection.Session, secure: Bool = false) -> String {
        "\(CSRFProtection.cookieName(secure: secure))=\(session.value)"
    }

    @Test func keyIsCreatedOnceWithMode0600AndReused() throws {
        let directory = TemporaryDirectory()
        let first = try CSRFProtection.loadOrCreate(inDirectory: directory.path)
        #expect(directory.mode(of: CSRFProtection.keyFileName) == 0o600)
        let key = try #require(directory.read(CSRFProtection.keyFileName))
        #expect(key.count == 65)
        let session = first.newSession()
        let second = try CSRFProtection.loadOrCreate(inDirectory: directory.path)
        #expect(second.token(for: session) == first.token(for: session))
        #expect(directory.read(CSRFProtection.keyFileName) == key)
    }

    @Test func theOldSecretThatPagesShowedIsRemoved() throws {
        let directory = TemporaryDirectory()
        directory.write(CSRFProtection.legacySecretFileName, String(repeating: "ab", count: 32) + "\n", mode: 0o600)
        _ = try CSRFProtection.loadOrCreate(inDirectory: directory.path)
        #expect(directory.read(CSRFProtection.legacySecretFileName) == nil)
        #expect(directory.read(CSRFProtection.keyFileName) != String(repeating: "ab", count: 32) + "\n")
    }

    @Test func damagedKeyIsReplaced() throws {
        let directory = TemporaryDirectory()
        directory.write(CSRFProtection.keyFileName, "short\n", mode: 0o600)
        _ = try CSRFProtection.loadOrCreate(inDirectory: directory.path)
        #expect(directory.read(CSRFProtection.keyFileName)?.count == 65)
    }

    @Test func twoBoxesGiveTheSameSessionDifferentTokens() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        let one = try CSRFProtection.loadOrCreate(inDirectory: first.path)
        let two = try CSRFProtection.loadOrCreate(inDirectory: second.path)
        let session = one.newSession()
        #expect(one.token(for: session) != two.token(for: session))
    }

    @Test func theTokenIsTheHMACOfTheSessionNeverTheKey() {
        let session = protection.newSession()
        let token = protection.token(for: session)
        #expect(token.count == 64)
        #expect(token != String(repeating: "ab", count: 32))
        // Computed independently: `printf 'box-form-token:1800000000.' + 32 zeros |
        // openssl dgst -sha256 -mac HMAC -macopt hexkey:abab…` (and Python's hmac agrees).
        let fixed = CSRFProtection.Session(
            value: "1800000000." + String(repeating: "0", count: 32), issuedAt: 1_800_000_000)
        #expect(protection.token(for: fixed) == "6cad86339d7652b19dffd2de937e52719369a8a26d37fd5608f9db90bc355f3e")
    }

    @Test func onlyTheTokenOfTheSessionSentAlongIsAccepted() {
        let session = protection.newSession()
        let token = protection.token(for: session)
        let request = post(cookie: cookie(session))
        #expect(protection.refusal(of: token, in: request) == nil)
        #expect(protection.refusal(of: nil, in: request) == .wrongToken)
        #expect(protection.refusal(of: "", in: request) == .wrongToken)
        #expect(protection.refusal(of: String(token.dropLast()), in: request) == .wrongToken)
        #expect(protection.refusal(of: token.uppercased(), in: request) == .wrongToken)
        #expect(protection.refusal(of: token, in: post(cookie: nil)) == .noSession)
        #expect(protection.refusal(of: token, in: post(cookie: "box_flash=x; other=1")) == .noSession)
    }

    @Test func aTokenFromAPreviousSessionIsRefused() {
        let previous = protection.newSession()
        let current = protection.newSession()
        #expect(previous != current)
        #expect(
            protection.refusal(of: protection.token(for: previous), in: post(cookie: cookie(current))) == .wrongToken)
    }

    @Test func aSessionEndsAfterItsLifetime() {
        let session = protection.newSession()
        let token = protection.token(for: session)
        clock.advance(CSRFProtection.sessionLifetime - 1)
        #expect(protection.refusal(of: token, in: post(cookie: cookie(session))) == nil)
        clock.advance(1)
        #expect(protection.refusal(of: token, in: post(cookie: cookie(session))) == .expiredSession)
    }

    @Test func aSessionFromTheFutureIsNotBelieved() {
        let session = protection.newSession()
        clock.advance(-CSRFProtection.clockTolerance - 1)
        #expect(
            protection.refusal(of: protection.token(for: session), in: post(cookie: cookie(session))) == .expiredSession
        )
    }

    @Test(arguments: [
        "box_session=", "box_session=abc", "box_session=1800000000", "box_session=1800000000.zz",
        "box_session=1800000000." + String(repeating: "A", count: 32),
        "box_session=-1." + String(repeating: "a", count: 32),
        "box_session=1800000000." + String(repeating: "a", count: 31),
        "box_session=1800000000." + String(repeating: "a", count: 32) + ".1",
    ])
    func malformedSessionCookiesAreNoSession(value: String) {
        #expect(protection.refusal(of: "x", in: post(cookie: value)) == .noSession)
        #expect(protection.session(of: post(cookie: value)) == nil)
    }

    @Test func aPageKeepsAYoungSessionAndRenewsAnOldOne() throws {
        let (first, firstCookie) = protection.pageSession(for: post(cookie: nil))
        let setCookie = try #require(firstCookie)
        #expect(setCookie.hasPrefix("box_session=\(first.value);"))
        let (again, againCookie) = protection.pageSession(for: post(cookie: cookie(first)))
        #expect(again == first)
        #expect(againCookie == nil)
        clock.advance(CSRFProtection.sessionRenewalAge)
        let (renewed, renewedCookie) = protection.pageSession(for: post(cookie: cookie(first)))
        #expect(renewed != first)
        #expect(renewedCookie != nil)
    }

    @Test func theCookieIsHttpOnlyStrictAndSecureOnlyOverHTTPS() {
        let session = protection.newSession()
        let plain = protection.setCookie(for: session, secure: false)
        #expect(plain == "box_session=\(session.value); Path=/; HttpOnly; SameSite=Strict; Max-Age=43200")
        let secure = protection.setCookie(for: session, secure: true)
        #expect(
            secure == "__Host-box_session=\(session.value); Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure")
        clock.advance(3600)
        #expect(protection.setCookie(for: session, secure: false).hasSuffix("Max-Age=39600"))
    }

    @Test func eachSchemeReadsOnlyItsOwnCookie() {
        let session = protection.newSession()
        let token = protection.token(for: session)
        #expect(protection.refusal(of: token, in: post(cookie: cookie(session, secure: true), secure: true)) == nil)
        #expect(
            protection.refusal(of: token, in: post(cookie: cookie(session, secure: false), secure: true)) == .noSession)
        #expect(
            protection.refusal(of: token, in: post(cookie: cookie(session, secure: true), secure: false)) == .noSession)
    }
}
