import History

/// An operation in a few words, as the terminal and the report show it: `cas [1 2] → ok`,
/// `read → 3`, `write 4 → unknown`.
public enum OperationText {
    public static func describe(_ op: HistoryOperation) -> String {
        let input = op.input == .null ? "" : " \(op.input)"
        switch op.outcome {
        case .ok: return "\(op.f)\(input) → \(op.output == .null && op.f != "read" && op.f != "get" ? "ok" : op.output.description)"
        case .info: return "\(op.f)\(input) → unknown"
        case .fail: return "\(op.f)\(input) → fail"
        }
    }
}
