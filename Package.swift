// swift-tools-version: 6.0
import PackageDescription

let swift6: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

func shim(_ name: String, pkg: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkg, providers: [.apt([apt])])
}

let package = Package(
    name: "Loa",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "loa", targets: ["loa"]),
        .executable(name: "loa-bench", targets: ["loa-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        shim("CSndfile", pkg: "sndfile", apt: "libsndfile1-dev"),
        shim("CAlsa", pkg: "alsa", apt: "libasound2-dev"),
        shim("CEbur128", pkg: "libebur128", apt: "libebur128-dev"),
        shim("CSoxr", pkg: "soxr", apt: "libsoxr-dev"),
        shim("CXlsxWriter", pkg: "xlsxwriter", apt: "libxlsxwriter-dev"),

        .target(name: "LoaL10n", swiftSettings: swift6),
        .target(name: "LoaPlan", dependencies: ["LoaL10n", .product(name: "Yams", package: "Yams")],
                swiftSettings: swift6),
        .target(name: "LoaSchedule", dependencies: ["LoaPlan", "LoaL10n"], swiftSettings: swift6),
        .target(name: "LoaAudio",
                dependencies: ["CSndfile", "CAlsa", "CEbur128", "CSoxr", "LoaL10n",
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),
        .target(name: "LoaLog",
                dependencies: ["LoaL10n", .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "GRDBSQLite", package: "GRDB.swift"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),
        .target(name: "LoaPlayout", dependencies: ["LoaSchedule", "LoaAudio", "LoaLog", "LoaPlan", "LoaL10n"],
                swiftSettings: swift6),
        .target(name: "LoaReport", dependencies: ["LoaPlan", "LoaLog", "LoaL10n"], swiftSettings: swift6),
        .target(name: "LoaXlsx", dependencies: ["CXlsxWriter", "LoaReport", "LoaPlan", "LoaL10n"],
                swiftSettings: swift6),
        .target(name: "LoaCommands",
                dependencies: ["LoaPlan", "LoaSchedule", "LoaAudio", "LoaLog", "LoaPlayout", "LoaReport", "LoaXlsx",
                               "LoaL10n", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: swift6),
        .executableTarget(name: "loa", dependencies: ["LoaCommands"], swiftSettings: swift6),
        .executableTarget(name: "loa-bench",
                          dependencies: ["LoaCommands", "LoaPlan", "LoaSchedule", "LoaAudio", "LoaLog",
                                         "LoaPlayout", "LoaReport", "LoaTestSupport"],
                          swiftSettings: swift6),

        .testTarget(name: "LoaPlanTests", dependencies: ["LoaPlan", "LoaCommands"], swiftSettings: swift6),
        .testTarget(name: "LoaScheduleTests",
                    dependencies: ["LoaSchedule", "LoaPlan", "LoaCommands", "LoaTestSupport",
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    swiftSettings: swift6),
        .target(name: "LoaTestSupport", path: "Tests/LoaTestSupport", swiftSettings: swift6),
        .testTarget(name: "LoaAudioTests", dependencies: ["LoaAudio", "LoaTestSupport"], swiftSettings: swift6),
        .testTarget(name: "LoaLogTests",
                    dependencies: ["LoaLog", .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: swift6),
        .testTarget(name: "LoaPlayoutTests", dependencies: ["LoaPlayout", "LoaCommands", "LoaTestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "LoaReportTests",
                    dependencies: ["LoaReport", "LoaXlsx", "LoaLog", "LoaPlan", "LoaCommands",
                                   .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    swiftSettings: swift6),
        .testTarget(name: "LoaCommandsTests", dependencies: ["LoaCommands", "LoaTestSupport"], swiftSettings: swift6),
    ],
    swiftLanguageModes: [.v6]
)
