import ArgumentParser
import Foundation
import History
import Linearizability

extension HistoryFormat: ExpressibleByArgument {}
extension BuiltInModel: ExpressibleByArgument {}

/// `faultline check FILE...`: checks histories for linearizability, one line per file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check histories for linearizability.",
        discussion: """
            Prints one line per file (verdict, time to check, operations, partitions) and, for an \
            invalid file, a shrunk counterexample. Exit code: 0 all valid, 1 any invalid, \
            2 any unknown (and none invalid), 254 unreadable input.
            """)

    @Argument(help: "History files.")
    var files: [String]

    @Option(help: "History format: \(HistoryFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: from the file's extension, else jsonl.")
    var format: HistoryFormat?

    @Option(help: "Model: \(BuiltInModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: BuiltInModel = .casRegister

    @Option(help: "Initial value of every key (nil, an integer, or a string). Default: 0 for registers, \"\" for kv.")
    var initial: String?

    @Option(help: "Time budget per file; undecided partitions are unknown.")
    var timeout = DurationArgument(.seconds(60))

    @Option(name: .customLong("memory-limit"), help: "Memory budget per file, e.g. 4G.")
    var memoryLimit = ByteSizeArgument(bytes: 8 << 30)

    @Option(help: "Threads searching partitions (default: every core).")
    var workers: Int?

    @Flag(name: .customLong("no-split"), help: "Check the whole history as one map instead of one key at a time.")
    var noSplit = false

    @Flag(name: .customLong("no-shrink"), help: "Do not shrink counterexamples.")
    var noShrink = false

    @Flag(help: "Accept a JSONL history cut off by a crash: leave out an incomplete last line (with a warning) instead of refusing the file.")
    var partial = false

    @Flag(help: "Print a JSON array of results instead of text.")
    var json = false

    /// Reads one history. With `--partial`, a JSONL history whose last line was cut off (the
    /// recorder's process died mid-write) is read without that line, with a warning.
    private func read(_ file: String) throws(HistoryError) -> History {
        let chosen = format ?? HistoryFormat.guess(path: file) ?? .jsonl
        guard chosen == .jsonl, partial else { return try chosen.read(path: file) }
        let (history, dropped) = try JSONLHistory.readReportingTail(path: file, allowTruncatedTail: true)
        if let dropped { printError("faultline: warning: left out an incomplete last line: \(dropped)") }
        return history
    }

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        var options = CheckOptions()
        options.timeout = timeout.duration
        options.memoryLimit = memoryLimit.bytes
        options.split = !noSplit
        options.shrink = !noShrink
        if let workers { options.workers = workers }
        let initialValue = initial.map(Value.init(literal:))

        // Read everything first: bad input overwrites nothing and checks nothing.
        var loaded: [(String, History, [HistoryOperation])] = []
        var errors: [String] = []
        for file in files {
            do {
                let history = try read(file)
                loaded.append((file, history, try history.operations()))
            } catch {
                errors.append(error.description)
            }
        }
        if !errors.isEmpty {
            for e in errors { FileHandle.standardError.write(Data("faultline: \(e)\n".utf8)) }
            throw FaultlineExit.badInput
        }

        var reports: [FileReport] = []
        for (file, history, ops) in loaded {
            do {
                let result = try model.check(ops, initial: initialValue, options: options)
                reports.append(FileReport(file: file, history: history, result: result))
                if !json { print(reports.last!.text, terminator: "") }
            } catch {
                let line = history.lines[error.operation.invokeIndex]
                FileHandle.standardError.write(Data("faultline: \(file):\(line): \(error.message)\n".utf8))
                throw FaultlineExit.badInput
            }
        }
        if json { print(FileReport.jsonArray(reports)) }
        let exit = FaultlineExit.of(reports.map(\.result.verdict))
        if exit != FaultlineExit.valid { throw exit }
    }
}
