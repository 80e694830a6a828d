import Foundation
import Nemesis
import SpecFiles
import Testing
@testable import Sweep

@Suite struct SweepSpecTests {
    static let base = """
        name: tune
        database: {kind: etcd, nodes: 3, parameters: {snapshot-count: 100}}
        workload: {kind: register}
        time-limit: 5s

        """

    @Test func matrixIsACrossProductInWrittenOrderWithDerivedParameters() throws {
        let spec = try SweepSpec.parse(Self.base + """
            sweep:
              repetitions: 2
              seed: 40
              matrix:
                election-timeout: [300, 1000]
                pre-vote: [true, false]
              derived:
                heartbeat-interval: election-timeout / 10
                double: (heartbeat-interval + 5) * 2
            """, file: "t.yml")
        #expect(spec.repetitions == 2 && spec.seed == 40)
        #expect(spec.parameterNames == ["election-timeout", "pre-vote", "heartbeat-interval", "double"])
        #expect(spec.cells.map { $0.parameters["election-timeout"]! } == ["300", "300", "1000", "1000"])
        #expect(spec.cells.map { $0.parameters["pre-vote"]! } == ["true", "false", "true", "false"])
        #expect(spec.cells.map { $0.parameters["heartbeat-interval"]! } == ["30", "30", "100", "100"])
        #expect(spec.cells[0].parameters["double"] == "70")
        #expect(spec.cells[0].label(spec.parameterNames) == "election-timeout=300 pre-vote=true heartbeat-interval=30 double=70")
        #expect(spec.test.database.parameters["snapshot-count"] == "100")
    }

    @Test func explicitCellsAreTakenAsListed() throws {
        let spec = try SweepSpec.parse(Self.base + """
            sweep:
              cells:
                - {election-timeout: 500, heartbeat-interval: 50}
                - {election-timeout: 2000, heartbeat-interval: 100}
            """, file: "t.yml")
        #expect(spec.repetitions == 1)
        #expect(spec.cells.map(\.parameters) == [["election-timeout": "500", "heartbeat-interval": "50"],
                                                  ["election-timeout": "2000", "heartbeat-interval": "100"]])
    }

    @Test func expressionsFollowPrecedenceAndNamesWithDashes() throws {
        let values = ["election-timeout": "1000", "a": "3"]
        #expect(try ParameterExpression("election-timeout / 10").evaluate(values) == "100")
        #expect(try ParameterExpression("election-timeout - 10 * a").evaluate(values) == "970")
        #expect(try ParameterExpression("(election-timeout - 10) * a").evaluate(values) == "2970")
        #expect(try ParameterExpression("a / 2").evaluate(values) == "1.5")
        #expect(throws: ParameterExpression.SyntaxError.self) { try ParameterExpression("a +") }
        #expect(throws: ParameterExpression.SyntaxError.self) { try ParameterExpression("a / 0").evaluate(values) }
        #expect(throws: ParameterExpression.SyntaxError.self) { try ParameterExpression("b * 2").evaluate(values) }
    }

    @Test(arguments: [
        ("sweep:\n  repetitions: 2\n", 6, "missing `matrix`"),
        ("sweep:\n  matrix: {election-timeout: []}\n", 6, "non-empty list"),
        ("sweep:\n  matrix: {a: [1]}\n  cells: [{a: 1}]\n", 7, "either `matrix` or `cells`"),
        ("sweep:\n  matrix: {a: [1]}\n  colour: red\n", 7, "unknown field `colour`"),
        ("sweep:\n  matrix: {a: [1]}\n  derived:\n    b: c / 10\n", 8, "`c` has no numeric value"),
        ("sweep:\n  repetitions: 0\n  matrix: {a: [1]}\n", 6, "`repetitions`"),
    ])
    func badSweepsNameFileAndLine(_ text: String, _ line: Int, _ message: String) throws {
        do {
            _ = try SweepSpec.parse(Self.base + text, file: "t.yml")
            Issue.record("accepted: \(text)")
        } catch let error as InputFileError {
            #expect(error.file == "t.yml")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func aTestSpecWithoutSweepIsRefusedAndSweepIsUnknownToPlainSpecs() throws {
        #expect(throws: InputFileError.self) { _ = try SweepSpec.parse(Self.base, file: "t.yml") }
    }

    @Test(arguments: ["etcd-tuning.yml", "raftkv-tuning.yml"])
    func shippedTuningSpecHasThreeCellsWithATenthHeartbeat(_ file: String) throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let spec = try SweepSpec.load(path: "/" + root + "/workloads/" + file)
        #expect(spec.repetitions == 3)
        #expect(spec.cells.map(\.parameters) == [
            ["election-timeout": "300", "heartbeat-interval": "30"],
            ["election-timeout": "1000", "heartbeat-interval": "100"],
            ["election-timeout": "3000", "heartbeat-interval": "300"],
        ])
        #expect(spec.test.nemesis?.faults == [.partitionLeader])
    }

    @Test(arguments: ["etcd-prevote.yml", "raftkv-prevote.yml"])
    func shippedPreVoteSpecTurnsPreVoteOffAndOn(_ file: String) throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let spec = try SweepSpec.load(path: "/" + root + "/workloads/" + file)
        #expect(spec.cells.map(\.parameters) == [
            ["election-timeout": "1000", "pre-vote": "false", "heartbeat-interval": "100"],
            ["election-timeout": "1000", "pre-vote": "true", "heartbeat-interval": "100"],
        ])
        #expect(spec.test.nemesis?.faults == [.partitionLeader])
    }

    /// Every sweep shipped in workloads/ reads, its cells included.
    @Test func shippedSweepsRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("workloads").path
        let sweeps = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yml") }.filter {
            (try String(contentsOfFile: dir + "/" + $0, encoding: .utf8)).contains("\nsweep:")
        }
        #expect(sweeps.count >= 4)
        for file in sweeps { _ = try SweepSpec.load(path: dir + "/" + file) }
    }

    /// A sweep over a defined database may vary only the parameters its definition declares, and
    /// a cell's values meet the database's rules as the spec's own do.
    @Test func cellsAreCheckedAgainstTheDatabase() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let defined = """
            name: tune
            database: {definition: \(root.appendingPathComponent("databases/etcd.yml").path), nodes: 3}
            workload: {kind: register}
            time-limit: 5s
            sweep:
              matrix: {election-timeout: [500, 1000], heartbeat-interval: [50, 100]}

            """
        #expect(try SweepSpec.parse(defined, file: "s.yml").cells.count == 4)
        let undeclared = #expect(throws: InputFileError.self) {
            try SweepSpec.parse(defined.replacingOccurrences(of: "heartbeat-interval:", with: "snapshot-count:"), file: "s.yml")
        }
        #expect(undeclared?.line == 6 && undeclared?.message.contains("`snapshot-count` is not a parameter of etcd's definition") == true,
                "\(String(describing: undeclared))")
        let ratio = #expect(throws: InputFileError.self) {
            try SweepSpec.parse(Self.base + "sweep:\n  matrix: {election-timeout: [300, 1000], heartbeat-interval: [100]}\n", file: "s.yml")
        }
        #expect(ratio?.message.contains("cell election-timeout=300 heartbeat-interval=100") == true, "\(String(describing: ratio))")
    }
}
