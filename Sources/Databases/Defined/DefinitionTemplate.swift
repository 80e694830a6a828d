import Foundation

/// A text of a database definition with `{{variable}}` places, filled in per node
/// (`{{name}}`, `{{address}}`, `{{ports.client}}`, `{{peers.initial-cluster}}`, …).
///
/// Contract: `variables` lists every name the text uses, so a definition is checked against the
/// names it may use when it is read; `render` replaces each place with its value and leaves no
/// place unfilled (a name without a value renders empty, which reading the definition rules out).
public struct DefinitionTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public var text: String
    private var pieces: [Piece]

    private enum Piece: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    /// Parses `text`; throws a message (for the caller to place at a line) for an unclosed `{{`
    /// or an empty name.
    public init(_ text: String) throws(TemplateError) {
        self.text = text
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateError(message: "`{{` without `}}` in `\(text)`")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw TemplateError(message: "an empty `{{}}` in `\(text)`") }
            pieces.append(.variable(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        self.pieces = pieces
    }

    /// The names of its places, in order of appearance.
    public var variables: [String] {
        pieces.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// The text with every place replaced by `values[name]`.
    public func render(_ values: [String: String]) -> String {
        pieces.map { piece in
            switch piece {
            case .literal(let text): text
            case .variable(let name): values[name] ?? ""
            }
        }.joined()
    }

    public var description: String { text }
}

/// What is wrong with a template's text.
public struct TemplateError: Error, Sendable {
    public var message: String
}
