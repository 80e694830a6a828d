// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Faultline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "faultline", targets: ["faultline"]),
        .library(name: "History", targets: ["History"]),
        .library(name: "Linearizability", targets: ["Linearizability"]),
        .library(name: "Transactions", targets: ["Transactions"]),
        .library(name: "Control", targets: ["Control"]),
        .library(name: "RaftKV", targets: ["RaftKV"]),
        .executable(name: "raftkv", targets: ["raftkv"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "History"),
        .target(
            name: "Linearizability", dependencies: ["History"],
            // The search's hot state is in class properties; without this each access pays a
            // dynamic exclusivity check (a fifth of the release check time in a profile).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "Transactions", dependencies: ["History"]),
        .target(name: "Analysis", dependencies: ["History"]),
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(name: "CSystemShims"),
        .target(name: "RemoteCore"),
        .target(name: "SpecFiles", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "Control",
            dependencies: [
                "RemoteCore", "SpecFiles",
                "CLibSSH2", "CSystemShims",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Cluster", dependencies: ["Control", "RemoteCore"]),
        .target(name: "LabHarness", dependencies: ["Control"]),
        .target(
            name: "Workload",
            dependencies: [
                "History", "Linearizability", "Transactions",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .target(
            name: "Databases",
            dependencies: [
                "RemoteCore", "Cluster", "Workload", "History", "SpecFiles",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(name: "Nemesis", dependencies: ["RemoteCore", "Cluster", "History"]),
        .plugin(name: "FaultlineBuildInfo", capability: .buildTool()),
        .target(
            name: "Audit",
            dependencies: [
                "RemoteCore", "History", "Linearizability", "Analysis", "Transactions", .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["FaultlineBuildInfo"]),
        .target(
            name: "RunRecord",
            dependencies: [
                "Audit", "Analysis", "History", "Linearizability", "RemoteCore", "SpecFiles", "Transactions",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
        .target(
            name: "Runner",
            dependencies: [
                "Control", "RemoteCore", "SpecFiles", "History", "RunRecord", "Linearizability", "Analysis", "Cluster", "Workload", "Databases", "Nemesis", "Audit", "Transactions",
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "Sweep",
            dependencies: [
                "RunRecord", "Runner", "Control", "RemoteCore", "SpecFiles", "Analysis", "Audit", "History", .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "RunIndex",
            dependencies: [
                "RunRecord", "RemoteCore", "Analysis", "Audit", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "faultline",
            dependencies: [
                "RunRecord", "Runner", "Control", "RemoteCore", "SpecFiles", "History", "Linearizability", "Transactions", "Cluster", "Workload", "Databases", "Nemesis", "Report", "Analysis", "Audit", "Sweep", "RunIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "Report", dependencies: ["RunRecord", "RemoteCore", "SpecFiles", "History", "Linearizability", "Analysis"]),
        .target(name: "RunFixtures", dependencies: ["RunRecord", "Runner", "History", "Linearizability", "HistoryGenerators"]),
        .executableTarget(name: "faultline-report-bench", dependencies: ["RunRecord", "Report", "RunFixtures", "History"]),
        .target(name: "HistoryGenerators", dependencies: ["History"]),
        .target(name: "Corpus", dependencies: ["History", "Linearizability"]),
        .executableTarget(
            name: "faultline-bench", dependencies: ["History", "Linearizability", "HistoryGenerators", "Corpus"]),
        .executableTarget(name: "faultline-control-bench", dependencies: ["Control"]),
        .executableTarget(name: "faultline-txn-bench", dependencies: ["History", "Transactions", "HistoryGenerators"]),
        .executableTarget(
            name: "faultline-run-bench", dependencies: ["RunRecord", "Runner", "Control", "Workload", "Databases", "Cluster", "History", "LabHarness"]),
        .executableTarget(
            name: "faultline-adapter-bench", dependencies: ["RunRecord", "Runner", "Control", "Workload", "Databases", "Cluster", "History", "LabHarness"]),
        .executableTarget(name: "faultline-cluster-bench", dependencies: ["Control", "Cluster", "Databases", "LabHarness"]),
        .executableTarget(
            name: "faultline-nemesis-bench", dependencies: ["Control", "Nemesis", "Cluster", "Databases", "History", "LabHarness"]),
        .executableTarget(
            name: "faultline-disk-bench", dependencies: ["RunRecord", "Runner", "Control", "RemoteCore", "Nemesis", "Cluster", "Databases", "LabHarness"]),
        .executableTarget(
            name: "faultline-trigger-bench", dependencies: ["Control", "Nemesis", "Cluster", "Databases", "History", "LabHarness", "Workload"]),
        .target(name: "RaftKV", dependencies: ["History"]),
        .executableTarget(
            name: "raftkv",
            dependencies: [
                "RaftKV",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // The disk layer's FUSE filesystem (C, libfuse3: Debian `libfuse3-dev`), uploaded to hosts.
        .executableTarget(name: "faultline-lazyfs", linkerSettings: [.linkedLibrary("fuse3")]),
        // The held link delay's packet delayer (C, nfnetlink_queue over raw netlink), uploaded to hosts.
        .executableTarget(name: "faultline-delay"),
        .testTarget(name: "HistoryTests", dependencies: ["History"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "History"]),
        .testTarget(name: "TransactionsTests", dependencies: ["Transactions", "History", "HistoryGenerators"]),
        .testTarget(
            name: "LinearizabilityTests", dependencies: ["History", "Linearizability", "HistoryGenerators", "Corpus"]),
        .testTarget(name: "FaultlineCLITests", dependencies: ["RunRecord", "Runner", "Control", "RemoteCore", "faultline", "Databases", "History", "RunFixtures", "LabHarness"]),
        .testTarget(
            name: "ReportTests", dependencies: ["RunRecord", "Report", "RunFixtures", "History", "Linearizability", "Analysis"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "AuditTests",
            dependencies: ["RunRecord", "Runner", "Control", "RemoteCore", "Audit", "Analysis", "RunIndex", "History", "Workload", "Cluster", "LabHarness", "Nemesis", "faultline"]),
        .testTarget(
            name: "SweepTests",
            dependencies: ["Runner", "Control", "SpecFiles", "Sweep", "Analysis", "History", "Cluster", "Workload", "LabHarness", "Nemesis", "faultline"]),
        .testTarget(name: "ControlTests", dependencies: ["Control", "RemoteCore", "SpecFiles", "LabHarness"]),
        .testTarget(
            name: "RunnerTests", dependencies: ["RunRecord", "Runner", "Control", "RemoteCore", "SpecFiles", "Audit", "Analysis", "History", "Workload", "Databases", "Cluster", "LabHarness", "Nemesis", "Linearizability", "Transactions", "Report"]),
        .testTarget(name: "WorkloadTests", dependencies: ["Runner", "Workload", "Databases", "History", "Linearizability"], exclude: ["Adapters"]),
        .testTarget(name: "ClusterTests", dependencies: ["Control", "RemoteCore", "Cluster", "Databases", "LabHarness", "SpecFiles"]),
        .testTarget(
            name: "RaftKVTests",
            dependencies: [
                "RaftKV", "raftkv", "History", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(name: "NemesisTests", dependencies: ["Control", "RemoteCore", "Nemesis", "Databases", "Cluster", "History", "LabHarness"]),
    ],
    swiftLanguageModes: [.v6]
)
