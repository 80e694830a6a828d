// The Corpus target: the shared histories with known verdicts (../shared/testdata), for conformance tests and benchmarks.

import Foundation
import History
import Linearizability

/// One history of the shared conformance corpus (`testdata/VERDICTS.tsv`) with the format,
/// model and initial value its model column names, and the verdict it must get.
public struct CorpusEntry: Sendable {
    public var path: String
    public var set: String
    public var format: HistoryFormat
    public var model: BuiltInModel
    public var initial: Value
    public var expected: Verdict

    /// Reads `VERDICTS.tsv` under `root`. Throws naming the line for a row it cannot map.
    public static func load(root: String) throws -> [CorpusEntry] {
        let tsv = try String(contentsOfFile: root + "/VERDICTS.tsv", encoding: .utf8)
        var entries: [CorpusEntry] = []
        for (n, line) in tsv.split(separator: "\n").enumerated() where n > 0 {
            let cols = line.split(separator: "\t").map(String.init)
            guard cols.count == 3 else { throw CorpusError("VERDICTS.tsv:\(n + 1): expected file, model, expected") }
            let (format, model, initial, set): (HistoryFormat, BuiltInModel, Value, String)
            switch cols[1] {
            case let m where m.hasPrefix("etcd-cas-register"): (format, model, initial, set) = (.jepsenLog, .casRegister, .null, "etcd")
            case let m where m.hasPrefix("kv-"): (format, model, initial, set) = (.porcupineKV, .kv, .string(""), "kv")
            case let m where m.hasPrefix("cas-register"): (format, model, initial, set) = (.knossosEDN, .casRegister, .int(0), "knossos")
            default: throw CorpusError("VERDICTS.tsv:\(n + 1): unknown model \(cols[1])")
            }
            guard let expected: Verdict = cols[2] == "Ok" ? .valid : cols[2] == "Illegal" ? .invalid : nil else {
                throw CorpusError("VERDICTS.tsv:\(n + 1): expected Ok or Illegal, found \(cols[2])")
            }
            entries.append(CorpusEntry(path: root + "/" + cols[0], set: set, format: format, model: model, initial: initial, expected: expected))
        }
        return entries
    }

    /// Reads and checks this history.
    public func check(options: CheckOptions = CheckOptions()) throws -> CheckResult {
        let ops = try format.read(path: path).operations()
        return try model.check(ops, initial: initial, options: options)
    }

    /// Reads and checks this history, the search on a thread of its own (for async callers).
    public func check(options: CheckOptions = CheckOptions()) async throws -> CheckResult {
        let ops = try format.read(path: path).operations()
        return try await model.check(ops, initial: initial, options: options)
    }
}

public struct CorpusError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
