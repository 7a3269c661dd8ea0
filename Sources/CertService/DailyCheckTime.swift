import FoundationEssentials
import SystemKit

/// The box's own time of day for its daily certificate check, drawn once and kept in a small
/// file (`daily-check-time` in the data dir: seconds after midnight UTC, as text), so a fleet's
/// checks stay spread over the day across restarts and power cuts.
public enum DailyCheckTime {
    public static let fileName = "daily-check-time"

    /// The stored second, or a new one drawn with `unitRandom` and written durably. A file
    /// that cannot be read or written costs only the spread: the drawn second is used anyway.
    public static func loadOrCreate(
        path: String, policy: RetryPolicy, unitRandom: () -> Double
    ) -> (second: Int, problem: String?) {
        var problem: String?
        do {
            if let bytes = try FileSystem.readIfPresent(path, maxBytes: 64) {
                var text = Substring(String(decoding: bytes, as: UTF8.self))
                while text.first?.isWhitespace == true { text.removeFirst() }
                while text.last?.isWhitespace == true { text.removeLast() }
                if let second = Int(text), (0..<86_400).contains(second) { return (second, nil) }
                problem = "\(path) does not hold a second of the day; drawing a new one"
            }
        } catch {
            problem = "cannot read \(error)"
        }
        let second = policy.dailyCheckSecond(unitRandom: unitRandom())
        do {
            try FileSystem.replace(path, with: Array("\(second)\n".utf8), mode: 0o644)
        } catch {
            problem = "cannot keep the daily check time: \(error)"
        }
        return (second, problem)
    }
}
