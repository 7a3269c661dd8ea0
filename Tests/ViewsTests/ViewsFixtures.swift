@testable import Views

/// Sample models each test adjusts, so every test states only what it is about.
enum ViewsFixtures {
    static func homepage(
        certificate: CertificateBannerModel = CertificateBannerModel(state: .missing),
        errorBox: ErrorBoxModel? = nil
    ) -> HomepageModel {
        HomepageModel(
            identifier: "iotbox-shop-1", ipAddress: "192.168.1.10", macAddress: "b8:27:eb:12:34:56",
            version: "0.1.0", certificate: certificate, errorBox: errorBox)
    }

    static func settings(certificate: CertificateBannerModel = CertificateBannerModel(state: .missing)) -> SettingsModel
    {
        SettingsModel(
            certificate: certificate, logLevel: "warning", logLevels: ["debug", "info", "warning", "error"],
            csrfToken: "token-abc")
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// How often `needle` occurs in `haystack`, without overlaps (Views tests use no Foundation).
    static func count(of needle: String, in haystack: String) -> Int {
        var found = 0
        var rest = haystack[...]
        while let range = rest.firstRange(of: needle) {
            found += 1
            rest = rest[range.upperBound...]
        }
        return found
    }
}
