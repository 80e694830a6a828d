import ArgumentParser
import Linearizability
import Transactions

/// A model `faultline check --model` accepts: one of the linearizability models
/// (`BuiltInModel`) or a transactional workload (`TransactionModel`), each named by its own
/// enum's raw values.
enum CheckModel: ExpressibleByArgument, Equatable {
    case linearizable(BuiltInModel)
    case transactional(TransactionModel)

    init?(argument: String) {
        if let m = BuiltInModel(rawValue: argument) {
            self = .linearizable(m)
        } else if let m = TransactionModel(rawValue: argument) {
            self = .transactional(m)
        } else {
            return nil
        }
    }

    /// Every name, linearizability models first.
    static var names: [String] { BuiltInModel.allCases.map(\.rawValue) + TransactionModel.allCases.map(\.rawValue) }

    static var allValueStrings: [String] { names }
}

extension ConsistencyModel: ExpressibleByArgument {}
