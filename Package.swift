// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "marquee",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "marquee", targets: ["marquee"]),
    ],
    dependencies: [
        // ConfigurationSupport is off: Marquee reads flags and MARQUEE_* variables itself.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Already in the graph through Hummingbird; the API tests' HTTP client uses NIOHTTP1.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
    ],
    targets: [
        // CRoaring from Debian's libroaring-dev (no pkg-config file there).
        .systemLibrary(name: "CRoaring", path: "Sources/CRoaring",
                       providers: [.apt(["libroaring-dev"])]),
        .target(name: "Roaring", dependencies: ["CRoaring"], swiftSettings: swiftSettings),
        .target(name: "Rules", swiftSettings: swiftSettings),
        .target(name: "Accounts", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        .target(name: "Pricing", dependencies: ["Rules"], swiftSettings: swiftSettings),
        .target(name: "Audiences", dependencies: ["Roaring"], swiftSettings: swiftSettings),
        .target(name: "Storage", dependencies: [
            "Accounts", "Rules", "Pricing", "Audiences", "Roaring",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "SQLiteNIO", package: "sqlite-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        .target(name: "Server", dependencies: [
            "Accounts", "Rules", "Pricing", "Storage", "Audiences", "Roaring",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOHTTP1", package: "swift-nio"),  // already in the graph (Hummingbird): its parser errors
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.copy("Resources/openapi.yaml")], swiftSettings: swiftSettings),
        // The cinema loyalty demo dataset (generator, filter catalog, saved audiences).
        .target(name: "CinemaData", dependencies: ["Storage", "Audiences"], swiftSettings: swiftSettings),
        .executableTarget(name: "marquee", dependencies: [
            "Server", "Storage", "Accounts", "Audiences", "CinemaData",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swiftSettings),

        // Benchmarks: programs, not timed tests (see BENCHMARKS.md).
        .target(name: "MallocCounter", path: "Benchmarks/MallocCounter"),
        .executableTarget(name: "PricingBenchmark", dependencies: ["Pricing", "Rules", "MallocCounter"],
                          path: "Benchmarks/PricingBenchmark", swiftSettings: swiftSettings),
        .executableTarget(name: "RulesBenchmark", dependencies: ["Rules", "MallocCounter"],
                          path: "Benchmarks/RulesBenchmark", swiftSettings: swiftSettings),
        .executableTarget(name: "AudienceBenchmark", dependencies: [
            "Audiences", "Roaring", "Storage", "CinemaData", .product(name: "Logging", package: "swift-log"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ], path: "Benchmarks/AudienceBenchmark", swiftSettings: swiftSettings),

        .target(name: "TestSupport", dependencies: [
            "Storage", .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "RulesTests", dependencies: ["Rules"], swiftSettings: swiftSettings),
        .testTarget(name: "PricingTests", dependencies: ["Pricing", "Rules"], swiftSettings: swiftSettings),
        .testTarget(name: "AudiencesTests", dependencies: ["Audiences", "Roaring"], swiftSettings: swiftSettings),
        .testTarget(name: "RoaringTests", dependencies: ["Roaring"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Accounts", "TestSupport", "Pricing", "Rules"], swiftSettings: swiftSettings),
        .testTarget(name: "AudienceStorageTests", dependencies: [
            "Audiences", "Roaring", "Storage", "TestSupport", "CinemaData",
        ], swiftSettings: swiftSettings),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Storage", "Accounts", "TestSupport", "Rules", "Pricing", "Audiences",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
    ]
)
