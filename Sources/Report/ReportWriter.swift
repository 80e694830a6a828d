import Foundation
import RunRecord

/// Writes a run's `report.html` and `junit.xml`, and the index of its reports folder.
public enum ReportWriter {
    /// Reads the run in `directory` and writes its report and JUnit file there. Reads everything
    /// before writing anything: a run that cannot be read is an error and nothing is written.
    /// Returns the report's path.
    @discardableResult
    public static func writeRun(directory: String) throws -> String {
        let run = try StoredRun.load(directory: directory)
        let store = RunStore(directory: directory)
        let html = RunReportPage(run: run).html
        let junit = JUnitFile(run: run).xml
        try store.write("report.html", html)
        try store.write("junit.xml", junit)
        return store.path("report.html")
    }

    /// The reports folder a run directory `<root>/<test>/<time>` belongs to.
    public static func reportsRoot(ofRun directory: String) -> String {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        return ((absolute as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }

    /// Regenerates `<root>/index.html`; returns its path.
    @discardableResult
    public static func writeIndex(root: String) throws -> String {
        try IndexPage(root: root).write()
        return (root as NSString).appendingPathComponent("index.html")
    }
}
