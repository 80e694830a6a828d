import Foundation
import PackagePlugin

/// Writes `FaultlineBuildInfo.swift` (the git commit the build came from) before every build of
/// the target that uses it, by running `scripts/build-info.sh` in the package directory.
///
/// A prebuild command runs on every build, so a new commit (or an edit that makes the tree dirty)
/// is picked up without a clean build; the script rewrites the file only when its text changes,
/// so an unchanged commit recompiles nothing.
@main
struct FaultlineBuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let package = context.package.directoryURL
        return [
            .prebuildCommand(
                displayName: "Faultline build info (git commit)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [package.appending(path: "scripts/build-info.sh").path, package.path,
                            output.appending(path: "FaultlineBuildInfo.swift").path],
                outputFilesDirectory: output),
        ]
    }
}
