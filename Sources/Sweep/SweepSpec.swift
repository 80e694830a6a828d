import Foundation
import Cluster
import Runner
import SpecFiles
import Yams

/// One setting of a sweep: the swept database parameters' values.
public struct SweepCell: Sendable, Codable, Equatable {
    /// The swept (and derived) parameters of this cell, by name.
    public var parameters: [String: String]

    public init(parameters: [String: String]) {
        self.parameters = parameters
    }

    /// `election-timeout=300 heartbeat-interval=30`, in the order of `names`.
    public func label(_ names: [String]) -> String {
        names.map { "\($0)=\(parameters[$0] ?? "-")" }.joined(separator: " ")
    }
}

/// A sweep spec: a test spec with a `sweep` section naming the cells (a matrix of database
/// parameters, or an explicit list), derived parameters, repetitions and the base seed.
public struct SweepSpec: Sendable {
    public var test: TestSpec
    public var repetitions: Int
    /// The swept parameters' names, matrix (or cell) parameters first, then derived ones.
    public var parameterNames: [String]
    public var cells: [SweepCell]
    /// The seed of repetition 1 (repetition r uses base + r − 1 in every cell); nil: the test
    /// spec's seed, else drawn when the sweep starts.
    public var seed: UInt64?

    /// Reads and checks a sweep spec file; errors are `InputFileError`s naming file and line.
    public static func load(path: String) throws -> SweepSpec {
        try parse(try InputFileText.read(path: path, what: "sweep spec file"), file: path)
    }

    static let fields: Set<String> = ["repetitions", "matrix", "cells", "derived", "seed"]

    public static func parse(_ text: String, file: String) throws -> SweepSpec {
        let test = try TestSpec.parse(text, file: file, extraFields: ["sweep"])
        let yaml = YAMLReader(file: file, directory: (file as NSString).deletingLastPathComponent)
        let root = try yaml.root(text, expected: "a test spec with a `sweep` section")
        guard let node = try yaml.mapping(root, "a test spec with a `sweep` section")["sweep"] else {
            throw yaml.error(root, "missing `sweep`: a mapping with `repetitions` and `matrix` or `cells`")
        }
        let f = try yaml.mapping(node, "`sweep`: a mapping with `repetitions` and `matrix` or `cells`")
        try yaml.rejectUnknown(node, allowed: fields, in: "`sweep`")
        let repetitions = try yaml.integer(f["repetitions"], in: node, "`repetitions`: 1 to 1000", range: 1...1000) ?? 1
        var seed: UInt64?
        if let s = f["seed"] {
            guard let v = s.scalar.flatMap({ UInt64($0.string) }) else { throw yaml.error(s, "expected `seed` to be a non-negative integer") }
            seed = v
        }
        var (names, cells) = try Self.cells(f, node, yaml)
        if let d = f["derived"] {
            for (name, exprNode) in try ordered(d, "`derived`: a mapping of parameter names to expressions", yaml) {
                guard !names.contains(name) else { throw yaml.error(exprNode, "`\(name)` is swept already; it cannot be derived too") }
                do throws(ParameterExpression.SyntaxError) {
                    let expression = try ParameterExpression(exprNode.scalar?.string ?? "")
                    for i in cells.indices {
                        let known = test.database.parameters.merging(cells[i].parameters) { $1 }
                        cells[i].parameters[name] = try expression.evaluate(known)
                    }
                } catch {
                    throw yaml.error(exprNode, "expected `\(name)` to be an expression such as `election-timeout / 10`: \(error.message)")
                }
                names.append(name)
            }
        }
        // Each cell is a setting of the database's parameters: the database's rules apply to it
        // as to the spec's own (a defined database declares the parameters its templates use).
        for cell in cells {
            do {
                try test.database.descriptor.checkParameters(test.database.parameters.merging(cell.parameters) { $1 })
            } catch let error as ClusterError {
                guard case .invalidConfiguration(let reason) = error else { throw error }
                throw yaml.error(f["matrix"] ?? f["cells"] ?? node, "cell \(cell.label(names)): \(reason)")
            }
        }
        return SweepSpec(test: test, repetitions: repetitions, parameterNames: names, cells: cells, seed: seed)
    }

    /// The fields of a mapping in the order written (checked like `YAMLReader.mapping`).
    private static func ordered(_ node: Node, _ expected: String, _ yaml: YAMLReader) throws -> [(String, Node)] {
        _ = try yaml.mapping(node, expected)
        return (node.mapping ?? [:]).map { ($0.key.scalar?.string ?? "", $0.value) }
    }

    /// The cells of `matrix` (cross product, in the order written) or of `cells` (as listed).
    private static func cells(_ f: YAMLReader.Fields, _ node: Node, _ yaml: YAMLReader) throws -> ([String], [SweepCell]) {
        switch (f["matrix"], f["cells"]) {
        case (.some(let m), nil):
            var names: [String] = []
            var cells = [SweepCell(parameters: [:])]
            for (name, valuesNode) in try ordered(m, "`matrix`: a mapping of parameter names to lists of values", yaml) {
                guard let items = valuesNode.sequence, !items.isEmpty else {
                    throw yaml.error(valuesNode, "expected `\(name)` to be a non-empty list of values, e.g. [300, 1000]")
                }
                let values = try items.map { item -> String in
                    guard let v = item.scalar?.string, !v.isEmpty else { throw yaml.error(item, "expected a single value") }
                    return v
                }
                names.append(name)
                cells = cells.flatMap { cell in
                    values.map { v in var c = cell; c.parameters[name] = v; return c }
                }
            }
            guard !names.isEmpty else { throw yaml.error(m, "expected `matrix` to name at least one parameter") }
            return (names, cells)
        case (nil, .some(let c)):
            guard let items = c.sequence, !items.isEmpty else {
                throw yaml.error(c, "expected `cells` to be a non-empty list of parameter mappings")
            }
            var names: [String] = []
            let cells = try items.map { item -> SweepCell in
                var parameters: [String: String] = [:]
                for (name, value) in try ordered(item, "a cell: a mapping of parameter names to values", yaml) {
                    guard let v = value.scalar?.string, !v.isEmpty else { throw yaml.error(value, "expected `\(name)` to be a single value") }
                    parameters[name] = v
                    if !names.contains(name) { names.append(name) }
                }
                return SweepCell(parameters: parameters)
            }
            return (names, cells)
        case (.some, .some(let c)):
            throw yaml.error(c, "give either `matrix` or `cells`, not both")
        case (nil, nil):
            throw yaml.error(node, "missing `matrix` (parameter names to lists of values) or `cells` (a list of parameter mappings)")
        }
    }
}
