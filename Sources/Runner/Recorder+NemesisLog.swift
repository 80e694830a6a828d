import History
import Nemesis

extension Recorder: NemesisLog {
    /// Records a fault's invoke or info as an event of process `nemesis`; a triggered fault's
    /// invoke carries its cause and delay.
    public func recordNemesis(_ type: EventType, f: String, value: Value, error: String?, cause: FaultCause?) {
        record(type, process: .nemesis, f: f, value: value, error: error, cause: cause.map { "\($0.event)" },
               delay: cause.map { $0.delay.components.seconds * 1_000_000_000 + $0.delay.components.attoseconds / 1_000_000_000 })
    }
}

extension Nemesis: FaultSchedule {}
