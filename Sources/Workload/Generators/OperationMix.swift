import History

/// Relative weights of the functions a workload's load phase draws from, e.g.
/// `["read": 2, "write": 1, "cas": 1]`: a request is `read` with probability 2/4.
///
/// Functions are drawn in the order of their names, so the same weights and random numbers give
/// the same functions whatever order the weights were written in.
public struct OperationMix: Sendable, Hashable {
    public var weights: [String: Int]

    public init(_ weights: [String: Int]) {
        self.weights = weights
    }

    /// The functions with a positive weight, by name.
    var drawable: [(f: String, weight: Int)] {
        weights.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { (f: $0.key, weight: $0.value) }
    }

    /// Checks that every function is one of `allowed`, no weight is negative and some is positive.
    func validate(allowed: Set<String>) throws(WorkloadSpecError) {
        for (f, w) in weights {
            guard allowed.contains(f) else {
                throw WorkloadSpecError("mix: unknown operation \(f); expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            guard w >= 0 else { throw WorkloadSpecError("mix: weight of \(f) is \(w); expected 0 or more") }
        }
        guard weights.values.contains(where: { $0 > 0 }) else {
            throw WorkloadSpecError("mix: every weight is 0; expected at least one positive weight")
        }
    }
}

/// A mix prepared for drawing: functions in name order with cumulative weights.
struct MixDraw: Sendable {
    private let functions: [String]
    private let cumulative: [UInt64]

    init(_ mix: OperationMix) {
        var total: UInt64 = 0
        var functions: [String] = []
        var cumulative: [UInt64] = []
        for (f, w) in mix.drawable {
            total += UInt64(w)
            functions.append(f)
            cumulative.append(total)
        }
        self.functions = functions
        self.cumulative = cumulative
    }

    /// One function, drawn with its weight's probability. The mix must have been validated.
    func draw(_ random: inout SplitMix64) -> String {
        let x = random.next(upperBound: cumulative[cumulative.count - 1])
        let i = cumulative.firstIndex { x < $0 }!
        return functions[i]
    }
}
