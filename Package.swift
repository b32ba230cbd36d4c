// swift-tools-version: 6.0
import PackageDescription

let swift6: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")

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
        .package(url: "https://github.com/drmohundro/SWXMLHash.git", from: "8.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        shim("CSndfile", pkg: "sndfile", apt: "libsndfile1-dev"),
        shim("CAlsa", pkg: "alsa", apt: "libasound2-dev"),
        shim("CEbur128", pkg: "libebur128", apt: "libebur128-dev"),
        shim("CSoxr", pkg: "soxr", apt: "libsoxr-dev"),
        shim("CXlsxWriter", pkg: "xlsxwriter", apt: "libxlsxwriter-dev"),
        shim("CMpg123", pkg: "libmpg123", apt: "libmpg123-dev"),

        // Layer 1, words: texts in both languages and the vocabulary every other module speaks.
        .target(name: "LoaL10n", swiftSettings: swift6),
        .target(name: "LoaCore", dependencies: ["LoaL10n"], swiftSettings: swift6),

        // Layer 2, pure logic: no clock, no device, no network, no Glibc.
        .target(name: "LoaPlan", dependencies: ["LoaCore", "LoaL10n", .product(name: "Yams", package: "Yams")],
                swiftSettings: swift6),
        .target(name: "LoaSchedule", dependencies: ["LoaPlan", "LoaCore", "LoaL10n"], swiftSettings: swift6),
        .target(name: "LoaReport", dependencies: ["LoaPlan", "LoaCore", "LoaL10n"], swiftSettings: swift6),
        .target(name: "LoaAlerts",
                dependencies: ["LoaCore", "LoaL10n", .product(name: "SWXMLHash", package: "SWXMLHash"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),

        // Layer 3, edges: the only modules that call C (the audio libraries, SQLite, the operating system).
        .target(name: "LoaAudio",
                dependencies: ["CSndfile", "CAlsa", "CEbur128", "CSoxr", "CMpg123", "LoaCore", "LoaL10n",
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),
        .target(name: "LoaLog",
                dependencies: ["LoaCore", "LoaL10n", .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "GRDBSQLite", package: "GRDB.swift"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift6),
        .target(name: "LoaSystem", dependencies: ["LoaCore", "LoaL10n"], swiftSettings: swift6),

        // Layer 4, engine: the station daemon.
        .target(name: "LoaPlayout",
                dependencies: ["LoaCore", "LoaPlan", "LoaSchedule", "LoaAudio", "LoaLog", "LoaSystem", "LoaL10n", "LoaAlerts",
                               // Relays read HTTP(S)/Icecast streams (RelayStreamReader).
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: swift6),
        // The station's HTTP face (SPEC §7): the control API on the Unix socket and, with --http, the operator's page.
        .target(name: "LoaStationWeb",
                dependencies: ["LoaCore", "LoaL10n", "LoaPlan", "LoaSchedule", "LoaSystem", "LoaPlayout", "LoaAudio",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                               .product(name: "HummingbirdCore", package: "hummingbird"),
                               .product(name: "HummingbirdTLS", package: "hummingbird"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: swift6),
        .target(name: "LoaXlsx", dependencies: ["CXlsxWriter", "LoaReport", "LoaPlan", "LoaCore", "LoaL10n"],
                swiftSettings: swift6),

        // Layer 4, engine: the station's side of the hub (manifest, blobs, pushing events) over HTTP.
        .target(name: "LoaSync",
                dependencies: ["LoaCore", "LoaL10n", "LoaPlan", "LoaLog", "LoaAlerts",
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio")],
                swiftSettings: swift6),

        // Layer 5, hub: the city's server (plans out, stations' logs in) on Hummingbird.
        .target(name: "LoaHub",
                dependencies: ["LoaCore", "LoaL10n", "LoaLog", "LoaPlan", "LoaReport", "LoaXlsx", "LoaPlayout", "LoaAlerts", grdb,
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: swift6),

        // Layer 6, face: the command line.
        .target(name: "LoaCommands",
                dependencies: ["LoaCore", "LoaPlan", "LoaSchedule", "LoaAudio", "LoaLog", "LoaSystem", "LoaPlayout",
                               "LoaReport", "LoaXlsx", "LoaL10n", "LoaStationWeb", "LoaSync", "LoaHub", "LoaAlerts",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: swift6),
        .executableTarget(name: "loa", dependencies: ["LoaCommands"], swiftSettings: swift6),
        .executableTarget(name: "loa-bench",
                          dependencies: ["LoaCore", "LoaCommands", "LoaPlan", "LoaSchedule", "LoaAudio", "LoaLog",
                                         "LoaSystem", "LoaPlayout", "LoaReport", "LoaL10n", "LoaTestSupport",
                                         "LoaStationWeb", "LoaHub", "LoaSync", "LoaAlerts",
                                         .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                         .product(name: "NIOCore", package: "swift-nio")],
                          swiftSettings: swift6),

        .target(name: "LoaTestSupport", path: "Tests/LoaTestSupport", swiftSettings: swift6),
        .testTarget(name: "LoaPlanTests",
                    dependencies: ["LoaCore", "LoaL10n", "LoaPlan", "LoaPlayout", "LoaCommands", "LoaTestSupport", argumentParser],
                    swiftSettings: swift6),
        .testTarget(name: "LoaScheduleTests",
                    dependencies: ["LoaCore", "LoaSchedule", "LoaPlan", "LoaPlayout", "LoaCommands", "LoaTestSupport",
                                   argumentParser, propertyBased],
                    swiftSettings: swift6),
        .testTarget(name: "LoaAudioTests", dependencies: ["LoaAudio", "LoaTestSupport"], swiftSettings: swift6),
        .testTarget(name: "LoaLogTests", dependencies: ["LoaCore", "LoaLog", "LoaTestSupport", grdb],
                    swiftSettings: swift6),
        .testTarget(name: "LoaPlayoutTests",
                    dependencies: ["LoaCore", "LoaL10n", "LoaAudio", "LoaLog", "LoaPlan", "LoaSchedule", "LoaPlayout",
                                   "LoaCommands", "LoaTestSupport"],
                    exclude: ["Relay"],   // the test's stand-in for an Icecast server
                    swiftSettings: swift6),
        .testTarget(name: "LoaReportTests",
                    dependencies: ["LoaCore", "LoaL10n", "LoaReport", "LoaXlsx", "LoaLog", "LoaPlan", "LoaCommands",
                                   argumentParser, grdb, propertyBased],
                    swiftSettings: swift6),
        .testTarget(name: "LoaAlertsTests", dependencies: ["LoaAlerts", "LoaCore", "LoaTestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "LoaStationWebTests",
                    dependencies: ["LoaCore", "LoaAudio", "LoaLog", "LoaPlan", "LoaPlayout", "LoaStationWeb", "LoaSystem",
                                   "LoaTestSupport", "LoaAlerts", "LoaSync",
                                   .product(name: "Hummingbird", package: "hummingbird")],
                    exclude: ["Browser"],   // the selenium script the browser test runs
                    swiftSettings: swift6),
        .testTarget(name: "LoaHubTests",
                    dependencies: ["LoaCore", "LoaLog", "LoaPlayout", "LoaSync", "LoaHub", "LoaCommands", "LoaTestSupport",
                                   grdb, argumentParser,
                                   .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                   .product(name: "NIOCore", package: "swift-nio"),
                                   .product(name: "NIOHTTP1", package: "swift-nio")],
                    swiftSettings: swift6),
        .testTarget(name: "LoaCommandsTests",
                    dependencies: ["LoaCore", "LoaPlan", "LoaSchedule", "LoaAudio", "LoaLog", "LoaPlayout", "LoaCommands",
                                   "LoaTestSupport"],
                    swiftSettings: swift6),
    ],
    swiftLanguageModes: [.v6]
)
