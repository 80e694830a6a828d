/// Which Faultline made a run: its version and the git commit it was built from.
///
/// The commit is embedded at build time by the `FaultlineBuildInfo` plugin
/// (`scripts/build-info.sh` runs `git rev-parse HEAD` in the package directory before every
/// build), so a fresh clone in CI gets its own commit; `dirty` says tracked files differed from
/// that commit. Outside a git checkout the commit is `unknown` unless `FAULTLINE_COMMIT` was set
/// for the build.
public enum FaultlineBuild {
    /// Faultline's release version.
    public static let version = "0.8.0"
    public static let commit = GeneratedBuildInfo.commit
    public static let dirty = GeneratedBuildInfo.dirty
}
