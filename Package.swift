// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ComputeIndex",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cix", targets: ["cix"]),
        .library(name: "CixCore", targets: ["CixCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // Pure methodology core: value types and functions only (no file I/O, no SQLite, no clock).
        .target(name: "CixCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Zstandard (Debian's libzstd-dev): compresses the store's raw and normalized blocks.
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Store of record: SQLite through GRDB, schema via migrations.
        .target(name: "CixStore", dependencies: [
            "CixCore", "CZstd",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // I/O shells: CSV reader, source adapters, definition loaders, exporters, demo generator.
        .target(name: "CixIO", dependencies: [
            "CixCore",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Plot", package: "Plot"),
        ]),
        // Jobs (ingest, demo, bench, …) and the commands that run them; `cix` is only its entry point.
        .target(name: "CixApp", dependencies: [
            "CixCore", "CixStore", "CixIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(name: "cix", dependencies: ["CixApp"]),
        // Test helpers shared by the test targets (a seeded generator, a naive index for cross-checks).
        .target(name: "CixTestSupport", dependencies: ["CixCore"], path: "Tests/CixTestSupport"),
        // The pure methodology (CixCore only): fast, no store, no files (`swift test --filter CixCoreTests`).
        .testTarget(name: "CixCoreTests", dependencies: ["CixCore", "CixTestSupport"]),
        // Integration: ingest, store, jobs, commands, the web app, the demo.
        .testTarget(name: "CixTests", dependencies: ["CixCore", "CixStore", "CixIO", "CixApp", "CixTestSupport",
                                                     .product(name: "HummingbirdTesting", package: "hummingbird")],
                    exclude: ["Golden", "Reference"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
