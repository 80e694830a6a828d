/// A kind of fault, by the name specs use (`partition-leader`, `kill`, …). Kinds are declared
/// by their families (`FaultFamily`, one file each) and exist only when a family in
/// `FaultFamilies.all` offers them.
public struct FaultKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// The kind named `rawValue` when a registered family offers it, else nil.
    public init?(rawValue: String) {
        guard FaultFamilies.family(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// A kind as its family declares it.
    init(declared name: String) { rawValue = name }

    public var description: String { rawValue }

    /// Every kind, family by family in `FaultFamilies.all` order (the order specs' error
    /// messages list them in, and that seeded draws over all kinds depend on).
    public static var allCases: [FaultKind] { FaultFamilies.all.flatMap(\.kinds) }

    /// The family that offers this kind.
    public var family: any FaultFamily {
        guard let family = FaultFamilies.family(named: rawValue) else { preconditionFailure("undeclared fault kind \(rawValue)") }
        return family
    }
}
