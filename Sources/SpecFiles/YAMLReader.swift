import Foundation
import Yams

/// Reads the fields of a YAML input file with `file:line` in every error (`InputFileError`):
/// shared by the inventory and the test spec, so both say the same things the same way.
public struct YAMLReader: Sendable {
    public typealias Fields = [String: Node]

    /// The file's name as shown in errors.
    public let file: String
    /// The directory relative paths in the file are resolved against.
    public let directory: String

    public init(file: String, directory: String) {
        self.file = file
        self.directory = directory
    }

    /// Parses `text`; an empty document is an error saying what was expected instead.
    public func root(_ text: String, expected: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputFileError(file: file, line: 1, message: "the file is empty; expected \(expected)")
            }
            return node
        } catch let error as YamlError {
            throw syntaxError(error, text: text)
        }
    }

    /// The fields of a mapping; a repeated field is an error.
    public func mapping(_ node: Node, _ expected: String) throws -> Fields {
        guard let mapping = node.mapping else { throw error(node, "expected \(expected)") }
        var fields: Fields = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error(key, "expected a field name") }
            if fields[name] != nil { throw error(key, "field `\(name)` is given twice") }
            fields[name] = value
        }
        return fields
    }

    /// Throws for the first key of mapping `node` that is not in `allowed`, at the key's line.
    public func rejectUnknown(_ node: Node, allowed: Set<String>, in place: String) throws {
        for (key, _) in node.mapping ?? [:] {
            guard let name = key.scalar?.string, !allowed.contains(name) else { continue }
            throw error(key, "unknown field `\(name)` in \(place); expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    public func string(_ node: Node?, in parent: Node, _ expected: String) throws -> String {
        guard let node else { throw error(parent, "missing \(expected)") }
        guard let value = node.scalar?.string, !value.isEmpty else { throw error(node, "expected \(expected)") }
        return value
    }

    public func integer(_ node: Node?, in parent: Node, _ expected: String, range: ClosedRange<Int>) throws -> Int? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }), range.contains(value) else {
            throw error(node, "expected \(expected), got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return value
    }

    public func boolean(_ node: Node?, _ expected: String) throws -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, "expected \(expected), got `\(node.scalar?.string ?? "a non-scalar")`")
        }
    }

    /// A duration field (`500ms`, `5s`, `1m`, a number of seconds), above zero unless
    /// `allowZero` (then `0`, `0s`, `0ms` all mean none).
    public func duration(_ node: Node?, _ field: String, allowZero: Bool = false) throws -> Duration? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ DurationText.parse($0.string) }), value > .zero || (allowZero && value == .zero) else {
            throw error(node, "expected \(field) to be a duration\(allowZero ? "" : " above zero") such as 500ms, 5s or 1m, got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return value
    }

    /// The line (from 1) where `key` starts a mapping entry for the second time in `text`, a
    /// plain-text guess at where a repeated key is (Yams reports only the mapping).
    static func repeatedLine(of key: String, in text: String) -> Int? {
        var seen = false
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line.drop { $0 == " " || $0 == "-" }
            if rest.hasPrefix("\"") || rest.hasPrefix("'") { rest = rest.dropFirst() }
            guard rest.hasPrefix(key) else { continue }
            let after = rest.dropFirst(key.count).drop { $0 == "\"" || $0 == "'" || $0 == " " }
            guard after.hasPrefix(":") else { continue }
            if seen { return n + 1 }
            seen = true
        }
        return nil
    }

    /// `~/…` against $HOME, a relative path against `directory`.
    public func path(_ value: String) -> String {
        if value.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            return home + value.dropFirst(1)
        }
        if value.hasPrefix("/") { return value }
        return (directory as NSString).appendingPathComponent(value)
    }

    public func error(_ node: Node, _ message: String) -> InputFileError {
        InputFileError(file: file, line: node.mark?.line, message: message)
    }

    private func syntaxError(_ error: YamlError, text: String) -> InputFileError {
        switch error {
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams' own message quotes the whole document; name the key and where it repeats.
            let key = duplicates.first ?? "?"
            return InputFileError(file: file, line: Self.repeatedLine(of: key, in: text) ?? context.mark.line,
                                  message: "field `\(key)` is given twice in one mapping")
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // The context ("while scanning a quoted scalar") points where the trouble began.
            guard let context else {
                return InputFileError(file: file, line: mark.line, message: "not valid YAML: \(problem)")
            }
            return InputFileError(file: file, line: context.mark.line,
                                  message: "not valid YAML: \(problem) \(context.text) (from line \(context.mark.line) to \(mark.line))")
        default:
            return InputFileError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
    }
}
