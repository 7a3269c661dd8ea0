import FoundationEssentials
import Glibc

/// Finds the static assets for the default `--public-dir`: the installed package's
/// `<prefix>/share/iot-box-homepage/public` beside `<prefix>/bin/homepage-server` (so an
/// installed box, or the package unpacked anywhere, needs no flag); else the source package's
/// `Public/`, walking up from the executable (which lives in `.build/<config>/` during
/// development); else `./Public`.
enum PublicDirectory {
    static let installedRelativePath = "share/iot-box-homepage/public"

    static func locate() -> String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return locate(executable: executable)
    }

    static func locate(executable: String) -> String {
        let binDirectory = URL(fileURLWithPath: executable).deletingLastPathComponent().standardizedFileURL
        let installed = binDirectory.deletingLastPathComponent().appendingPathComponent(installedRelativePath)
        if isDirectory(installed) { return installed.path }
        var directory = binDirectory
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Public")
            if isDirectory(candidate) { return candidate.path }
            directory = directory.deletingLastPathComponent()
        }
        return "./Public"
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var info = stat()
        return stat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
