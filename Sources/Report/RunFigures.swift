/// The measured figures of a run (faults, availability), from the Analysis target.
struct RunFigures {
    var faults: [FaultBand] = []
    var availability: AvailabilityFigures?

    init(run: StoredRun) {}
}
