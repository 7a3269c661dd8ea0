import HTTPCore
import Synchronization
import Testing

@testable import HomepageServer

@Suite struct FlashStoreTests {
    private func request(carrying setCookie: String) -> HTTPRequest {
        let pair = String(setCookie.split(separator: ";")[0])
        return HTTPRequest(
            method: "GET", target: "/settings", path: "/settings", headers: HTTPHeaders([("Cookie", pair)]))
    }

    @Test func aFlashIsReadOnceByTheCookieThatNamesIt() {
        let store = FlashStore()
        let cookie = store.put(Flash(message: "saved", succeeded: true, enteredValues: ["db_uuid": "typed"]))
        let other = request(carrying: "box_flash=0123456789abcdef0123456789abcdef")
        #expect(store.take(for: other) == nil)
        #expect(store.take(for: request(carrying: cookie))?.enteredValues["db_uuid"] == "typed")
        #expect(store.take(for: request(carrying: cookie)) == nil)
    }

    @Test func whatWasTypedIsNotKeptPastTheCookiesLifetime() throws {
        let start = ContinuousClock.now
        let clock = Mutex(start)
        let store = FlashStore(lifetime: .seconds(300), now: { clock.withLock { $0 } })
        let kept = store.put(Flash(message: "rejected", succeeded: false, enteredValues: ["db_uuid": "typed"]))
        let expired = store.put(Flash(message: "rejected", succeeded: false, enteredValues: ["db_uuid": "typed"]))
        clock.withLock { $0 = start + .seconds(299) }
        #expect(store.take(for: request(carrying: kept))?.enteredValues["db_uuid"] == "typed")
        clock.withLock { $0 = start + .seconds(300) }
        #expect(store.take(for: request(carrying: expired)) == nil)
    }
}
