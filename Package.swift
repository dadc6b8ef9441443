// swift-tools-version:6.0
import PackageDescription

/// Our modules are compiled for testing in every configuration, so `swift build -c release --build-tests`
/// gives the tests (`@testable import`) and the `fazhi` binary one and the same release build.
let testable: [SwiftSetting] = [.unsafeFlags(["-enable-testing"])]

let package = Package(
    name: "fazhi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fazhi", targets: ["fazhi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libcmark-gfm and its extensions, from the system (Debian: libcmark-gfm-dev, libcmark-gfm-extensions-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // mimalloc, from the system (Debian: libmimalloc-dev), linked into `fazhi` so that it replaces malloc: a cold
        // build makes and frees millions of small objects on two threads (see Sources/fazhi/Fazhi.swift).
        .systemLibrary(
            name: "CMimalloc",
            providers: [.apt(["libmimalloc-dev"])]
        ),
        // SHA-256's compression function on the processor's SHA instructions (x86-64), for FazhiModel's SHA256.
        .target(name: "CSHA256"),
        // Shared data model and the Markdown + front matter format (the seam between convert and render).
        .target(name: "FazhiModel", dependencies: ["CSHA256", .product(name: "Yams", package: "Yams")], swiftSettings: testable),
        // Convert, stage 2: number grammar, facts, catalog matching.
        .target(name: "FazhiIndicators", dependencies: ["FazhiModel", .product(name: "Yams", package: "Yams")], swiftSettings: testable),
        // Convert, stage 1: decoding, debris, metadata, gazetteer, outline, Markdown writing.
        .target(
            name: "FazhiCorpus",
            dependencies: ["FazhiModel", "FazhiIndicators"],
            resources: [.copy("Resources/gazetteer.tsv")],
            swiftSettings: testable
        ),
        // Render: site model, pages, tables, charts, feeds, data downloads, link checking.
        .target(
            name: "FazhiSite",
            dependencies: ["FazhiModel", "CCmarkGFM"],
            swiftSettings: testable
        ),
        // Preview: HTTP server for the built site, file watcher, live reload.
        .target(
            name: "FazhiPreview",
            dependencies: [
                "FazhiModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testable
        ),
        // A deterministic synthetic corpus for benchmarks (`fazhi gen-corpus`).
        .target(name: "FazhiSynthetic", dependencies: ["FazhiModel"], swiftSettings: testable),
        // The command line: thin.
        .executableTarget(
            name: "fazhi",
            dependencies: [
                "FazhiModel", "FazhiCorpus", "FazhiIndicators", "FazhiSite", "FazhiPreview", "FazhiSynthetic", "CMimalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers more than one test target uses (the gold file and its scoring, a raw HTTP client).
        .target(name: "FazhiTestSupport", path: "Tests/FazhiTestSupport"),
        .testTarget(name: "FazhiModelTests", dependencies: ["FazhiModel"]),
        .testTarget(name: "FazhiIndicatorsTests", dependencies: ["FazhiIndicators", "FazhiModel", "FazhiTestSupport"], exclude: ["gold.yaml", "Bench"]),
        .testTarget(name: "FazhiCorpusTests", dependencies: ["FazhiCorpus", "FazhiModel", "FazhiIndicators", "CCmarkGFM", "FazhiTestSupport"]),
        .testTarget(name: "FazhiSiteTests", dependencies: ["FazhiSite", "FazhiCorpus", "FazhiModel"], exclude: ["Fixtures"]),
        .testTarget(name: "FazhiPreviewTests", dependencies: ["FazhiPreview", "FazhiTestSupport"]),
        .testTarget(name: "FazhiSyntheticTests", dependencies: ["FazhiSynthetic"]),
        // Hostile and broken input: fixtures, output safety, no data lost, fuzzing, preview path guard.
        .testTarget(name: "FazhiHostileTests", dependencies: ["FazhiCorpus", "FazhiSite", "FazhiModel", "FazhiIndicators", "FazhiPreview", "FazhiTestSupport"]),
    ]
)
