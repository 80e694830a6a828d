extension Event {
    /// For a `nemesis` info: nil when the fault (or its heal) took effect, else what failed —
    /// the event's `error` (`not in effect`, `not healed`), with its reason in `value`. Histories
    /// written before the outcome had a field of its own said it as a prefix of `value`
    /// (`not in effect: …`, `not healed: …`); those are read too.
    public var nemesisFailure: String? {
        guard process == .nemesis, type == .info else { return nil }
        if let error { return error }
        let text = value.string ?? ""
        for prefix in ["not in effect", "not healed"] where text.hasPrefix(prefix) { return prefix }
        return nil
    }
}

extension Event {
    /// A failed nemesis info as one sentence, `not healed: n1: chain FAULTLINE still drops …`,
    /// in either format; nil when nothing failed.
    public var nemesisFailureText: String? {
        guard let failure = nemesisFailure else { return nil }
        let text = value.string ?? value.description
        return error == nil ? text : failure + ": " + text
    }
}
