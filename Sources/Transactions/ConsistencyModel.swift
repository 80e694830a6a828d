/// The consistency models a transactional history is held to, by their command-line names.
///
/// From weakest to strongest along two branches: read-uncommitted < read-committed <
/// repeatable-read < serializable < strict-serializable, and read-committed <
/// snapshot-isolation < serializable (Adya's PL-1, PL-2, PL-2.99, PL-SI, PL-3; strict adds
/// real-time order).
public enum ConsistencyModel: String, Sendable, CaseIterable {
    case strictSerializable = "strict-serializable"
    case serializable
    case snapshotIsolation = "snapshot-isolation"
    case repeatableRead = "repeatable-read"
    case readCommitted = "read-committed"
    case readUncommitted = "read-uncommitted"

    /// True when a history showing `anomaly` cannot satisfy this model.
    public func forbids(_ anomaly: AnomalyClass) -> Bool { anomaly.rulesOut.contains(self) }
}

/// The kinds of anomaly the checker reports.
///
/// Cycles (Adya; Elle's names): G0 (write cycle: ww edges only), G1c (circular information flow:
/// ww and wr edges, at least one wr), G-single (exactly one rw edge), G2-item (two or more rw
/// edges); a `-process` variant needs process-order edges, a `-realtime` one real-time edges.
/// Direct anomalies: G1a (aborted read), G1b (intermediate read), lost-update, internal,
/// incompatible-order, duplicate-elements, garbage-read.
public enum AnomalyClass: String, Sendable, CaseIterable, Comparable {
    case g0 = "G0"
    case g1a = "G1a"
    case g1b = "G1b"
    case g1c = "G1c"
    case gSingle = "G-single"
    case g2Item = "G2-item"
    case g0Process = "G0-process"
    case g1cProcess = "G1c-process"
    case gSingleProcess = "G-single-process"
    case g2ItemProcess = "G2-item-process"
    case g0Realtime = "G0-realtime"
    case g1cRealtime = "G1c-realtime"
    case gSingleRealtime = "G-single-realtime"
    case g2ItemRealtime = "G2-item-realtime"
    case lostUpdate = "lost-update"
    case `internal` = "internal"
    case incompatibleOrder = "incompatible-order"
    case duplicateElements = "duplicate-elements"
    case garbageRead = "garbage-read"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The models a history showing this anomaly cannot satisfy.
    ///
    /// G0 breaks every model; G1a, G1b and G1c every model from read-committed up; G-single is
    /// a G2-item cycle too, so it breaks repeatable-read as well as snapshot-isolation and up;
    /// G2-item (two or more rw edges) breaks repeatable-read and serializable but is allowed by
    /// snapshot-isolation (write skew); a lost update breaks repeatable-read and
    /// snapshot-isolation and up. A cycle that needs process or real-time edges breaks only
    /// strict-serializable (real-time order contains each process's order). Internal
    /// inconsistency, incompatible orders, duplicate elements and reads of values never
    /// written are allowed by no model.
    public var rulesOut: Set<ConsistencyModel> {
        let all = Set(ConsistencyModel.allCases)
        switch self {
        case .g0, .internal, .incompatibleOrder, .duplicateElements, .garbageRead: return all
        case .g1a, .g1b, .g1c: return all.subtracting([.readUncommitted])
        case .gSingle, .lostUpdate: return [.strictSerializable, .serializable, .snapshotIsolation, .repeatableRead]
        case .g2Item: return [.strictSerializable, .serializable, .repeatableRead]
        case .g0Process, .g1cProcess, .gSingleProcess, .g2ItemProcess,
            .g0Realtime, .g1cRealtime, .gSingleRealtime, .g2ItemRealtime:
            return [.strictSerializable]
        }
    }

    /// True for the classes found as cycles of the dependency graph.
    public var isCycle: Bool {
        switch self {
        case .g1a, .g1b, .lostUpdate, .internal, .incompatibleOrder, .duplicateElements, .garbageRead: return false
        default: return true
        }
    }

    /// What the anomaly is, in a few words.
    public var meaning: String {
        switch self {
        case .g0: return "write cycle"
        case .g1a: return "aborted read"
        case .g1b: return "intermediate read"
        case .g1c: return "circular information flow"
        case .gSingle: return "read skew: a cycle with one anti-dependency"
        case .g2Item: return "anti-dependency cycle (write skew)"
        case .g0Process, .g1cProcess, .gSingleProcess, .g2ItemProcess: return "cycle through process order"
        case .g0Realtime, .g1cRealtime, .gSingleRealtime, .g2ItemRealtime: return "cycle through real-time order"
        case .lostUpdate: return "lost update"
        case .internal: return "a transaction disagrees with itself"
        case .incompatibleOrder: return "reads disagree on a key's order"
        case .duplicateElements: return "an element read twice"
        case .garbageRead: return "read of a value never written"
        }
    }
}
