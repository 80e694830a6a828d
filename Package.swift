// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Faultline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "faultline", targets: ["faultline"]),
        .library(name: "History", targets: ["History"]),
        .library(name: "Linearizability", targets: ["Linearizability"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "History"),
        .target(name: "Linearizability", dependencies: ["History"]),
        .executableTarget(
            name: "faultline",
            dependencies: [
                "History", "Linearizability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "HistoryGenerators", dependencies: ["History"]),
        .target(name: "Corpus", dependencies: ["History", "Linearizability"]),
        .executableTarget(
            name: "faultline-bench", dependencies: ["History", "Linearizability", "HistoryGenerators", "Corpus"]),
        .testTarget(name: "HistoryTests", dependencies: ["History"]),
        .testTarget(
            name: "LinearizabilityTests", dependencies: ["History", "Linearizability", "HistoryGenerators", "Corpus"]),
        .testTarget(name: "FaultlineCLITests", dependencies: ["faultline", "History"]),
    ],
    swiftLanguageModes: [.v6]
)
