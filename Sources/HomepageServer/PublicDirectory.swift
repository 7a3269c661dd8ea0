import Foundation

/// Finds the package's `Public/` directory for the default `--public-dir`: walking up from
/// the executable (which lives in `.build/<config>/` during development), then `./Public`.
enum PublicDirectory {
    static func locate() -> String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent().standardizedFileURL
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Public")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue
            {
                return candidate.path
            }
            directory = directory.deletingLastPathComponent()
        }
        return "./Public"
    }
}
