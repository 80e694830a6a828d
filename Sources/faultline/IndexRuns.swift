import RunIndex

/// Adds finished runs to `<reports>/faultline.sqlite` and rewrites `<reports>/trends.html`; a
/// failure is a warning, never a change of the run's exit code.
func indexRuns(_ directories: [String], reports: String) {
    do {
        try RunIndex.update(reports: reports, adding: directories)
    } catch {
        printError("faultline: warning: could not index the run in \(reports)/\(RunIndex.fileName): \(error)")
    }
}
