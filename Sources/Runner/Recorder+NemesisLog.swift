import History
import Nemesis

extension Recorder: NemesisLog {
    /// Records a fault's invoke or info as an event of process `nemesis`.
    public func recordNemesis(_ type: EventType, f: String, value: Value, error: String?) {
        record(type, process: .nemesis, f: f, value: value, error: error)
    }
}

extension Nemesis: FaultSchedule {}
