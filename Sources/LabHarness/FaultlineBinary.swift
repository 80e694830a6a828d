// The LabHarness target: a lab of its own for a test suite or benchmark, taken down whatever happens.

import Foundation

/// The debug build of the `faultline` command line, run as a user runs it (for tests of the CLI).
public enum FaultlineBinary {
    /// The package's root directory.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `.build/debug/faultline` with `arguments`; returns its exit status and its standard
    /// output and error together.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = root.appendingPathComponent(".build/debug/faultline")
        p.arguments = arguments
        p.currentDirectoryURL = root
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
