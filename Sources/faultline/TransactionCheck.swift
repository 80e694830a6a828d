import Foundation
import History
import Linearizability
import Transactions

/// `faultline check --model list-append|rw-register`: reads every file first (bad input checks
/// nothing, exit 254), then checks each, one summary line per file and its anomalies, or a JSON
/// array with `--json`; exits as the other models do.
struct TransactionCheck {
    var model: TransactionModel
    var consistency: ConsistencyModel
    var timeout: Duration
    var json: Bool
    var partial: Bool

    func run(_ files: [String], read: (String) throws(HistoryError) -> History) throws {
        var loaded: [(file: String, txns: TransactionHistory)] = []
        var nothingToCheck: [String] = []
        var errors: [String] = []
        for file in files {
            do {
                let history = try read(file)
                let txns = try TransactionHistory(history, model: model)
                if !txns.transactions.contains(where: { $0.completeIndex != nil }) {
                    if partial {
                        nothingToCheck.append(file)
                    } else {
                        errors.append("\(file):\(history.lines.last ?? 1): expected at least one completed transaction, found \(txns.transactions.isEmpty ? "none" : "only \(txns.transactions.count) that never completed") (nothing to check; --partial reports it as unknown)")
                    }
                    continue
                }
                loaded.append((file, txns))
            } catch {
                errors.append(error.description)
            }
        }
        if !errors.isEmpty {
            for e in errors { FileHandle.standardError.write(Data("faultline: \(e)\n".utf8)) }
            throw FaultlineExit.badInput
        }
        var reports: [TransactionFileReport] = []
        for (file, txns) in loaded {
            let options = TransactionCheckOptions(consistency: consistency, timeout: timeout)
            do {
                let result = try txns.check(options: options)
                reports.append(TransactionFileReport(file: file, txns: txns, result: result))
                if !json { print(reports.last!.text, terminator: "") }
            } catch {
                FileHandle.standardError.write(Data("faultline: \(error)\n".utf8))
                throw FaultlineExit.badInput
            }
        }
        if json {
            print(TransactionFileReport.jsonArray(reports, nothingToCheck: nothingToCheck))
        } else {
            for file in nothingToCheck { print("\(file): unknown  nothing to check: no transaction completed") }
        }
        let verdicts = reports.map { Verdict(rawValue: $0.result.verdict.rawValue)! } + nothingToCheck.map { _ in .unknown }
        let exit = FaultlineExit.of(verdicts)
        if exit != FaultlineExit.valid { throw exit }
    }
}
