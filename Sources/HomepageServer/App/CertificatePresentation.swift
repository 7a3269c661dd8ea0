import CertService
import FoundationEssentials
import Glibc
import Synchronization
import Views

/// Turns CertService's status into the text the pages show. Dates are shown in UTC, as the
/// box has no idea of the shop's time zone.
enum CertificatePresentation {
    /// Characters of an error detail a page shows.
    static let maximumDetailLength = 600

    static func banner(_ status: CertificateStatus) -> CertificateBannerModel {
        CertificateBannerModel(
            state: bannerState(status.state),
            subject: status.subject,
            validFrom: status.notBefore.map { displayDate($0) },
            validUntil: status.notAfter.map { displayDate($0) },
            daysLeft: status.daysLeft,
            lastCheck: status.lastCheck.map { displayDate($0, seconds: true) },
            nextRetry: status.nextRetry.map { displayDate($0, seconds: true) })
    }

    /// The banner's state for the certificate's (one case each, same names), without going
    /// through their raw strings.
    static func bannerState(_ state: CertificateState) -> CertificateBannerModel.State {
        switch state {
        case .valid: return .valid
        case .expiring: return .expiring
        case .missing: return .missing
        case .checking: return .checking
        case .error: return .error
        }
    }

    static func errorBox(_ status: CertificateStatus) -> ErrorBoxModel? {
        guard let error = status.error else { return nil }
        return ErrorBoxModel(
            displayCode: error.displayCode, detail: error.detail.isEmpty ? nil : excerpt(error.detail),
            meaning: error.meaning, advice: error.advice)
    }

    /// The detail is the certificate service's own text, as long as it likes: every page shows
    /// at most `maximumDetailLength` characters of it.
    static func excerpt(_ detail: String) -> String {
        guard detail.utf8.count > maximumDetailLength, detail.count > maximumDetailLength else { return detail }
        return String(detail.prefix(maximumDetailLength)) + "…"
    }

    /// `2026-11-26 10:00 UTC`; with `seconds`, `2026-11-26 10:00:30 UTC` (retries are 30 s apart).
    static func displayDate(_ date: Date, seconds showsSeconds: Bool = false) -> String {
        let epochSeconds = Int(date.timeIntervalSince1970)
        if let text = recentDates.withLock({ $0.text(epochSeconds, showsSeconds: showsSeconds) }) { return text }
        let text = formatDate(epochSeconds: epochSeconds, showsSeconds: showsSeconds)
        recentDates.withLock { $0.keep(text, for: epochSeconds, showsSeconds: showsSeconds) }
        return text
    }

    /// The dates written last, each under exactly what its text is made from: the whole
    /// second and whether seconds are shown. A page view shows up to five dates, nearly always
    /// the same ones (the certificate's validity, the last check, the DNS check); writing one
    /// costs about 900 instructions (`gmtime_r`, the digits, a new string), finding it here
    /// about 100. It cannot show an old date: another second is another key.
    private static let recentDates = Mutex(RecentDates())

    struct RecentDates: ~Copyable {
        static let capacity = 8
        private var entries: [(epochSeconds: Int, showsSeconds: Bool, text: String)] = []
        /// The entry the next new date replaces once all are taken.
        private var oldest = 0

        func text(_ epochSeconds: Int, showsSeconds: Bool) -> String? {
            for entry in entries where entry.epochSeconds == epochSeconds && entry.showsSeconds == showsSeconds {
                return entry.text
            }
            return nil
        }

        mutating func keep(_ text: String, for epochSeconds: Int, showsSeconds: Bool) {
            if entries.count < Self.capacity {
                entries.append((epochSeconds, showsSeconds, text))
            } else {
                entries[oldest] = (epochSeconds, showsSeconds, text)
                oldest = (oldest + 1) % Self.capacity
            }
        }
    }

    /// `displayDate`'s text, written anew.
    static func formatDate(epochSeconds: Int, showsSeconds: Bool) -> String {
        var epochSeconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&epochSeconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else { return "\(year)-??-?? UTC" }
        // Written as ASCII into the string's own storage: this runs for several dates on every
        // page view, and interpolation would build a string per part.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var count = 0
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    count += 1
                    divisor /= 10
                }
            }
            func put(_ byte: Unicode.Scalar) {
                buffer[count] = UInt8(ascii: byte)
                count += 1
            }
            put(year, digits: 4)
            put("-")
            put(Int(parts.tm_mon) + 1, digits: 2)
            put("-")
            put(Int(parts.tm_mday), digits: 2)
            put(" ")
            put(Int(parts.tm_hour), digits: 2)
            put(":")
            put(Int(parts.tm_min), digits: 2)
            if showsSeconds {
                put(":")
                put(Int(parts.tm_sec), digits: 2)
            }
            for byte in " UTC".unicodeScalars { put(byte) }
            return count
        }
    }
}
