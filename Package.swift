// swift-tools-version: 6.0
import PackageDescription

// Release builds put each function of the product's own modules in its own section, so that the
// link can place the code a box runs next to each other (packaging/link/symbol-order.txt).
let releaseLayout: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "iot-box-homepage",
    products: [
        .executable(name: "homepage-server", targets: ["HomepageServer"]),
        .executable(name: "fleet-sim", targets: ["FleetSim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "COpenSSL",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .target(name: "CLinuxShims"),
        .target(
            name: "CZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),
        .target(name: "SystemKit", dependencies: ["CLinuxShims"], swiftSettings: releaseLayout),
        .target(
            name: "HTTPCore", dependencies: ["SystemKit", "COpenSSL", "CZlib", "CLinuxShims"],
            swiftSettings: releaseLayout),
        .target(
            name: "CertService",
            dependencies: ["HTTPCore", "SystemKit", .product(name: "Logging", package: "swift-log")],
            swiftSettings: releaseLayout
        ),
        .target(name: "Sandbox", dependencies: ["HTTPCore", "SystemKit", "COpenSSL"], swiftSettings: releaseLayout),
        // The box's settings as values: odoo.conf's grammar, the settings forms and their rules.
        .target(name: "BoxConfig", dependencies: ["HTTPCore", "SystemKit"], swiftSettings: releaseLayout),
        // The fleet simulation: the product's renewal and retry rules for many boxes at once.
        .executableTarget(name: "FleetSim", dependencies: ["CertService"]),
        .target(name: "Views", swiftSettings: releaseLayout),
        .executableTarget(
            name: "HomepageServer",
            dependencies: [
                "HTTPCore", "SystemKit", "BoxConfig", "CertService", "Sandbox", "Views",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: releaseLayout,
            // Release builds (what a box carries) link with lld to pack the relative relocations
            // (DT_RELR, glibc >= 2.36): the 40 000 entries of `.rela.dyn`, 1 MB the dynamic linker
            // reads whole at every start, become a 8 KB bitmap. They bind now (full RELRO), as the
            // package always did, and take the Swift runtime's few C++ functions from the static
            // libstdc++ (packaging/link/libstdc++.so). The functions a box runs are placed together
            // (packaging/link/symbol-order.txt, written by scripts/link-order), so they fill fewer
            // of the 64 KB blocks the kernel maps around each fault. See docs/PERFORMANCE.md.
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld", "-L\(Context.packageDirectory)/packaging/link"]
                        + [
                            "-z", "pack-relative-relocs", "-z", "now",
                            "--symbol-ordering-file=\(Context.packageDirectory)/packaging/link/symbol-order.txt",
                            "--no-warn-symbol-ordering",
                        ].flatMap { ["-Xlinker", $0] },
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .testTarget(name: "SystemKitTests", dependencies: ["SystemKit"]),
        // HTTPCore's tests mint their TLS certificates with the sandbox's certificate authority.
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore", "Sandbox", "TestSupport"]),
        .testTarget(
            name: "CertServiceTests",
            dependencies: [
                "CertService", "HTTPCore", "SystemKit", "Sandbox", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The sandbox is checked against the product's own reading of the service's answers.
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "CertService", "HTTPCore", "TestSupport"]),
        .testTarget(name: "ViewsTests", dependencies: ["Views"]),
        .testTarget(name: "BoxConfigTests", dependencies: ["BoxConfig"]),
        // Shared by test targets only: a temporary directory, the built executables,
        // `EndToEndBox` (one running homepage-server driven over its sockets), and `FakeServer`.
        .target(name: "TestSupport", dependencies: ["HTTPCore"], path: "Tests/TestSupport"),
        .testTarget(
            name: "HomepageServerTests",
            dependencies: [
                "HomepageServer", "HTTPCore", "BoxConfig", "CertService", "Sandbox", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, one per folder of fuzz/Targets, built only by fuzz/run.sh, which names
// them in HOMEPAGE_FUZZ (so a new folder changes the manifest's input) and passes the
// sanitizer flags to every module: an ordinary build never sees them. Each folder holds a
// `main.swift` that is `runFuzzer { bytes in ... }` and may use any of the libraries below.
if let fuzzTargets = Context.environment["HOMEPAGE_FUZZ"] {
    package.targets += [
        .target(name: "CFuzzDriver", path: "fuzz/Support/CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", "HTTPCore"], path: "fuzz/Support/FuzzSupport"),
    ]
    for name in fuzzTargets.split(separator: " ").map(String.init) {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["HTTPCore", "BoxConfig", "CertService", "FuzzSupport"],
                path: "fuzz/Targets/\(name)"))
    }
}
