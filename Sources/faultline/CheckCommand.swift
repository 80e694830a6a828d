// The faultline target: the faultline command line (run, check, report, verify, sweep, heal, lab, exec).

import ArgumentParser
import Foundation
import History
import Linearizability
import Runner
import Transactions

extension HistoryFormat: ExpressibleByArgument {}
extension BuiltInModel: ExpressibleByArgument {}

/// `faultline check FILE...`: checks histories for linearizability, one line per file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check histories for linearizability, or transactional histories for isolation anomalies.",
        discussion: """
            Prints one line per file (verdict, time to check, operations, partitions) and, for an \
            invalid file, a shrunk counterexample. A history stored by `faultline run` is checked \
            with its run's model and initial value, read from the spec.yml beside it, unless \
            --model or --initial say otherwise. Exit code: 0 all valid, 1 any invalid, \
            2 any unknown (and none invalid; with --partial also a file with no operation to \
            check), 254 unreadable input (not UTF-8, malformed, or no operation at all). \
            --model list-append or rw-register checks transactions (values such as \
            [["append", k, 1], ["r", k, null]]) for the anomalies --consistency forbids.
            """)

    @Argument(help: "History files.")
    var files: [String]

    @Option(help: "History format: \(HistoryFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: from the file's extension, else jsonl.")
    var format: HistoryFormat?

    @Option(help: "Model: \(CheckModel.names.joined(separator: ", ")). Default: the model of the run whose spec.yml is beside the history, else cas-register.")
    var model: CheckModel?

    @Option(help: "With --model list-append or rw-register, the consistency model to hold the transactions to: \(ConsistencyModel.allCases.map(\.rawValue).joined(separator: ", ")). Default: strict-serializable.")
    var consistency: ConsistencyModel?

    @Option(help: "Initial value of every key (nil, an integer, or a string). Default: the run's (spec.yml beside the history), else 0 for registers, \"\" for kv.")
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

    /// How `file` is checked: `--model` and `--initial` where given; otherwise, for a history
    /// stored by `faultline run`, its run's workload (the spec.yml beside it) decides, as it did
    /// when the run checked it; otherwise cas-register and the model's own initial value.
    /// Returns also where the choice came from, for the output; throws when that spec.yml
    /// cannot be read.
    private func checking(_ file: String) throws -> (model: BuiltInModel, initial: Value?, from: String?) {
        let given = (linearizableModel, initial.map(Value.init(literal:)))
        if let m = given.0, given.1 != nil { return (m, given.1, nil) }
        let specPath = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("spec.yml")
        guard (file as NSString).lastPathComponent == "history.jsonl", FileManager.default.fileExists(atPath: specPath) else {
            return (given.0 ?? .casRegister, given.1, nil)
        }
        let spec = try TestSpec.load(path: specPath)
        let workload = spec.workloadSpec
        let chosen = given.0 ?? workload.model
        // The run's initial value belongs to the run's model; another model starts from its own.
        return (chosen, given.1 ?? (chosen == workload.model ? workload.initialValue : nil), specPath)
    }

    /// The linearizability model given, if any.
    private var linearizableModel: BuiltInModel? {
        if case .linearizable(let m)? = model { return m }
        return nil
    }

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if case .transactional(let m)? = model {
            if initial != nil { throw ValidationError("--initial is for linearizability models, not \(m.rawValue)") }
        } else if consistency != nil {
            throw ValidationError("--consistency needs --model \(TransactionModel.allCases.map(\.rawValue).joined(separator: " or "))")
        }
    }

    /// For histories stored by `faultline run` of a transactional workload (every file's
    /// spec.yml beside it says the same workload): the workload and the consistency model it
    /// was held to; nil otherwise.
    private func storedTransactional() -> (TransactionModel, ConsistencyModel)? {
        let found: [(TransactionModel, ConsistencyModel)?] = files.map { file in
            let specPath = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("spec.yml")
            guard (file as NSString).lastPathComponent == "history.jsonl",
                let spec = try? TestSpec.load(path: specPath),
                case .transactional(let m, let c) = spec.workloadSpec.checking
            else { return nil }
            return (m, c)
        }
        guard let first = found.first ?? nil, found.allSatisfy({ $0?.0 == first.0 }) else { return nil }
        return first
    }

    func run() throws {
        let stored = model == nil ? storedTransactional() : nil
        if case .transactional(let m)? = model ?? stored.map({ CheckModel.transactional($0.0) }) {
            let check = TransactionCheck(
                model: m, consistency: consistency ?? stored?.1 ?? .strictSerializable, timeout: timeout.duration, json: json,
                partial: partial)
            return try check.run(files) { file throws(HistoryError) in try read(file) }
        }
        var options = CheckOptions()
        options.timeout = timeout.duration
        options.memoryLimit = memoryLimit.bytes
        options.split = !noSplit
        options.shrink = !noShrink
        if let workers { options.workers = workers }

        // Read everything first: bad input overwrites nothing and checks nothing.
        var loaded: [(file: String, history: History, ops: [HistoryOperation], model: BuiltInModel, initial: Value?, from: String?)] = []
        var nothingToCheck: [String] = []
        var errors: [String] = []
        for file in files {
            do {
                let history = try read(file)
                let ops = try history.operations()
                let how: (model: BuiltInModel, initial: Value?, from: String?)
                do { how = try checking(file) } catch {
                    errors.append("\(error) (its run's spec.yml says how to check \(file); or give --model and --initial)")
                    continue
                }
                // A history without one completed operation shows nothing: it is not "valid".
                if !ops.contains(where: { $0.completeIndex != nil }) {
                    if partial {
                        nothingToCheck.append(file)
                    } else {
                        errors.append("\(file):\(history.lines.last ?? 1): expected at least one completed operation, found \(ops.isEmpty ? "none" : "only \(ops.count) that never completed") (nothing to check; --partial reports it as unknown)")
                    }
                    continue
                }
                loaded.append((file, history, ops, how.model, how.initial, how.from))
            } catch {
                errors.append(error.description)
            }
        }
        if !errors.isEmpty {
            for e in errors { FileHandle.standardError.write(Data("faultline: \(e)\n".utf8)) }
            throw FaultlineExit.badInput
        }

        var reports: [FileReport] = []
        for (file, history, ops, model, initialValue, from) in loaded {
            do {
                let result = try model.check(ops, initial: initialValue, options: options)
                reports.append(FileReport(file: file, history: history, result: result,
                                          checkedWith: from.map { "\(model.rawValue), initial value \(initialValue ?? .null), from \($0)" }))
                if !json { print(reports.last!.text, terminator: "") }
            } catch {
                let line = history.lines[error.operation.invokeIndex]
                FileHandle.standardError.write(Data("faultline: \(file):\(line): \(error.message)\n".utf8))
                throw FaultlineExit.badInput
            }
        }
        if json {
            print(FileReport.jsonArray(reports, nothingToCheck: nothingToCheck))
        } else {
            for file in nothingToCheck { print("\(file): unknown  nothing to check: no operation completed") }
        }
        let exit = FaultlineExit.of(reports.map(\.result.verdict) + nothingToCheck.map { _ in .unknown })
        if exit != FaultlineExit.valid { throw exit }
    }
}
