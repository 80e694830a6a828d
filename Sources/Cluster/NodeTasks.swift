/// Runs one piece of work per node, all nodes at once, and turns the failures into one
/// `ClusterError` that names every node that failed.
public enum NodeTasks {
    /// Runs `body` for every node of `nodes` concurrently and waits for all of them. Returns the
    /// results by node name. When any threw, throws `ClusterError.nodesFailed(action:…)` listing
    /// each failed node (in `nodes` order) with its error; the other nodes' work has still finished.
    public static func run<T: Sendable>(_ action: String, on nodes: [ClusterNode],
                                 _ body: @escaping @Sendable (ClusterNode) async throws -> T) async throws -> [String: T] {
        let outcomes = await withTaskGroup(of: (Int, Result<T, NodeFailure>).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await body(node)))
                    } catch let failure as NodeFailure {
                        return (index, .failure(failure))
                    } catch {
                        return (index, .failure(NodeFailure(node: node.name, reason: "\(error)")))
                    }
                }
            }
            var outcomes: [(Int, Result<T, NodeFailure>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var results: [String: T] = [:]
        var failures: [NodeFailure] = []
        for (node, outcome) in zip(nodes, outcomes) {
            switch outcome {
            case .success(let value): results[node.name] = value
            case .failure(let failure): failures.append(failure)
            }
        }
        guard failures.isEmpty else { throw ClusterError.nodesFailed(action: action, failures: failures) }
        return results
    }
}
