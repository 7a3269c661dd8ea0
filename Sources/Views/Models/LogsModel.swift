/// The recent log lines, newest last, and the level currently recorded.
public struct LogsModel: Sendable, Equatable {
    public var lines: [String]
    public var level: String

    public init(lines: [String], level: String) {
        self.lines = lines
        self.level = level
    }
}
