import TestSupport
import Testing

@testable import HomepageServer

@Suite struct CSRFProtectionTests {
    @Test func secretIsCreatedOnceWithMode0600AndReused() throws {
        let directory = TemporaryDirectory()
        let path = directory.file(CSRFProtection.fileName)
        let first = try CSRFProtection.loadOrCreate(at: path)
        #expect(first.token.count == 64)
        #expect(directory.mode(of: CSRFProtection.fileName) == 0o600)
        let second = try CSRFProtection.loadOrCreate(at: path)
        #expect(second.token == first.token)
    }

    @Test func damagedSecretIsReplaced() throws {
        let directory = TemporaryDirectory()
        directory.write(CSRFProtection.fileName, "short\n", mode: 0o600)
        let protection = try CSRFProtection.loadOrCreate(at: directory.file(CSRFProtection.fileName))
        #expect(protection.token.count == 64)
        #expect(directory.read(CSRFProtection.fileName) == protection.token + "\n")
    }

    @Test func twoBoxesGetDifferentTokens() throws {
        let one = TemporaryDirectory()
        let two = TemporaryDirectory()
        let first = try CSRFProtection.loadOrCreate(at: one.file("s"))
        let second = try CSRFProtection.loadOrCreate(at: two.file("s"))
        #expect(first.token != second.token)
    }

    @Test func onlyTheExactTokenIsAccepted() {
        let protection = CSRFProtection(secret: [UInt8](repeating: 0xAB, count: 32))
        #expect(protection.token == String(repeating: "ab", count: 32))
        #expect(protection.isValid(protection.token))
        #expect(!protection.isValid(nil))
        #expect(!protection.isValid(""))
        #expect(!protection.isValid(String(protection.token.dropLast())))
        #expect(!protection.isValid(protection.token.uppercased()))
        #expect(!protection.isValid(String(protection.token.dropLast()) + "c"))
    }
}
