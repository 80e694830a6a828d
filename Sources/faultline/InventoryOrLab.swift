import Control

/// The inventory at `path`, or without one the local lab's (brought up with at least `nodes`
/// hosts, and never fewer than five).
func inventoryOrLab(_ path: String?, nodes: Int?) async throws -> Inventory {
    if let path { return try Inventory.load(path: path) }
    let lab = Lab(config: LabConfig.fromEnvironment(nodes: max(nodes ?? 5, 5)))
    let up = try await lab.up { printError("  lab: \($0)") }
    return try Inventory.load(path: up.inventoryPath)
}
