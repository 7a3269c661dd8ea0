import SystemKit

/// Cross-site request forgery protection with one secret token per box.
///
/// Every page that has a form embeds the token in a hidden `csrf_token` field, and every POST
/// must send it back. Why this is safe without cookies, HMACs or JavaScript:
/// - a page from another site can make the browser POST to the box, but cannot read the
///   box's pages (same-origin policy), so it cannot learn the token; 256 random bits cannot
///   be guessed;
/// - a DNS-rebinding page, which would be same-origin, is refused by `HostPolicy` first;
/// - the token travels only in response bodies and POST bodies, never in URLs, and pages
///   send `Referrer-Policy: no-referrer`, so it does not leak through logs or referrers;
/// - someone who can load the settings page can already use its forms, so it reveals nothing
///   they could not do anyway.
/// One token for the whole box means any number of open tabs keep working, and storing it
/// (0600, in the data dir) means they keep working across a restart.
struct CSRFProtection: Sendable {
    static let fileName = "csrf-secret"
    static let secretByteCount = 32

    /// Lowercase hex of the secret: what pages embed and forms must send back.
    let token: String

    init(secret: [UInt8]) {
        token = Self.hex(secret)
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Reads the secret from `path`, or creates it there when it is missing or unusable
    /// (a damaged secret only invalidates forms open at that moment).
    static func loadOrCreate(at path: String) throws(FileError) -> CSRFProtection {
        if let stored = try FileSystem.readIfPresent(path, maxBytes: 4096), let secret = decodeHex(stored),
            secret.count == secretByteCount
        {
            return CSRFProtection(secret: secret)
        }
        let protection = CSRFProtection(secret: randomBytes(secretByteCount))
        try FileSystem.replace(path, with: Array((protection.token + "\n").utf8), mode: 0o600)
        return protection
    }

    /// Whether a submitted token is this box's, compared in constant time so the response time
    /// says nothing about how many leading characters were right.
    func isValid(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        let expected = Array(token.utf8)
        let given = Array(submitted.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices {
            difference |= expected[index] ^ given[index]
        }
        return difference == 0
    }

    /// From the system generator, which on Linux reads the kernel's CSPRNG (getrandom).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func decodeHex(_ bytes: [UInt8]) -> [UInt8]? {
        var text = bytes
        while let last = text.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { text.removeLast() }
        guard text.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < text.count {
            guard let high = hexDigit(text[index]), let low = hexDigit(text[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
