import History

/// The random numbers behind one request: a SplitMix64 seeded from (run seed, worker, sequence
/// number), so a worker's n-th request is the same whatever the other workers did and whenever
/// it was asked for.
enum OperationRandom {
    static func generator(seed: UInt64, worker: Int, sequence: Int) -> SplitMix64 {
        // Two rounds of SplitMix64 finalisation mix the three numbers into one well-spread seed.
        var first = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: worker) &* 0xD1B5_4A32_D192_ED03))
        let mixed = first.next() ^ (UInt64(truncatingIfNeeded: sequence) &* 0x9E37_79B9_7F4A_7C15)
        var second = SplitMix64(seed: mixed)
        return SplitMix64(seed: second.next())
    }
}
