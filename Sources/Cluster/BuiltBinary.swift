import Foundation

/// Executables of this package that Faultline uploads to hosts (raftkv, faultline-lazyfs).
public enum BuiltBinary {
    /// The path in `environment` when set, else `name` in the directory of the running
    /// executable (the build folder holding `faultline` and the test bundle).
    public static func path(_ name: String, environment variable: String) -> String {
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty { return path }
        let exe = Bundle.main.executablePath ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // A test bundle's executable sits in `<build>/X.xctest/…` on some platforms.
        while dir.hasSuffix(".xctest") || dir.contains(".xctest/") { dir = (dir as NSString).deletingLastPathComponent }
        return (dir as NSString).appendingPathComponent(name)
    }
}
