import Report

/// Each run's report.html and junit.xml, then the reports index. A report that cannot be written
/// is said, and changes no exit code: the verdict stands without it.
func writeReports(_ directories: [String], reports: String) {
    for directory in directories {
        do {
            say("faultline: report \(try ReportWriter.writeRun(directory: directory))")
        } catch {
            printError("faultline: the report of \(directory) could not be written: \(error)")
        }
    }
    do {
        try ReportWriter.writeIndex(root: reports)
    } catch {
        printError("faultline: the reports index could not be written: \(error)")
    }
}
