import Cluster

/// A failure of one step on one node, in words.
struct StepFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Per-node results of one action run on several nodes at once (through `NodeTasks`).
struct NodeOutcomes<T: Sendable>: Sendable {
    /// By node, in the order asked for.
    var results: [(node: String, result: Result<T, NodeFailure>)]

    /// Runs `body` on each node of `names` (skipping names not in the cluster, which fail) at
    /// once and keeps every outcome; never throws.
    static func run(_ action: String, _ names: [String], in cluster: ClusterContext,
                    _ body: @escaping @Sendable (ClusterNode) async throws -> T) async -> NodeOutcomes<T> {
        let nodes = cluster.nodes.filter { names.contains($0.name) }
        let done = (try? await NodeTasks.run(action, on: nodes) { node -> Result<T, NodeFailure> in
            do { return .success(try await body(node)) } catch {
                return .failure(NodeFailure(node: node.name, reason: "\(error)"))
            }
        }) ?? [:]
        return NodeOutcomes(results: names.map { name in
            (name, done[name] ?? .failure(NodeFailure(node: name, reason: "not a node of the cluster")))
        })
    }

    var allSucceeded: Bool {
        results.allSatisfy { if case .success = $0.result { return true } else { return false } }
    }

    var successes: [(String, T)] {
        results.compactMap { if case .success(let value) = $0.result { return ($0.node, value) } else { return nil } }
    }

    /// `node: text` for successes (by `describe`) and `node failed: reason` for failures, joined by `; `.
    func summary(_ describe: (T) -> String) -> String {
        results.map { entry in
            switch entry.result {
            case .success(let value): return "\(entry.node): \(describe(value).trimmingCharacters(in: .whitespacesAndNewlines))"
            case .failure(let failure): return "\(entry.node) failed: \(failure.reason)"
            }
        }.joined(separator: "; ")
    }
}

extension ClusterNode {
    /// Runs `command` as root on the node within `timeout`; returns its stdout, throws
    /// `StepFailure` with its stderr when it fails.
    func root(_ command: String, timeout: Duration = .seconds(15)) async throws -> String {
        let result = try await remote.exec(ExecRequest(command, timeout: timeout, sudo: true))
        guard result.status.isSuccess else {
            let why = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw StepFailure("\(result.status)\(why.isEmpty ? "" : ": " + why)")
        }
        return result.stdoutText
    }
}

import Foundation
import RemoteCore
