/// Lowe's memo of visited search nodes: (set of linearized operations, model state).
///
/// Bitsets live in one flat arena and are found through an open-addressing table, so an insert
/// costs no allocation of its own. The bitset's hash is supplied by the caller (kept up to date
/// incrementally with Zobrist keys), and combined here with the state's hash.
struct Memo<State: Hashable> {
    let words: Int
    private var arena: [UInt64] = []
    private var states: [State] = []
    private var hashes: [UInt64] = []
    private var table: [Int32]
    private var mask: Int

    init(words: Int, capacity: Int = 1024) {
        self.words = max(words, 1)
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { states.count }

    /// An estimate of the memory held, for the memory budget.
    var approximateBytes: Int {
        arena.capacity * 8 + states.capacity * (MemoryLayout<State>.stride + 16)
            + hashes.capacity * 8 + table.count * 4
    }

    /// Inserts the node; false if it was already there.
    mutating func insert(_ bits: [UInt64], bitsHash: UInt64, state: State) -> Bool {
        let h = bitsHash ^ (UInt64(bitPattern: Int64(state.hashValue)) &* 0x9E37_79B9_7F4A_7C15)
        var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let k = Int(table[slot])
            if k < 0 { break }
            if hashes[k] == h && sameBits(k, bits) && states[k] == state { return false }
            slot = (slot + 1) & mask
        }
        table[slot] = Int32(states.count)
        hashes.append(h)
        states.append(state)
        arena.append(contentsOf: bits)
        if states.count * 2 > table.count { grow() }
        return true
    }

    private func sameBits(_ k: Int, _ bits: [UInt64]) -> Bool {
        let base = k * words
        for i in 0..<words where arena[base + i] != bits[i] { return false }
        return true
    }

    private mutating func grow() {
        let size = table.count * 2
        table = Array(repeating: -1, count: size)
        mask = size - 1
        for k in 0..<states.count {
            let h = hashes[k]
            var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(k)
        }
    }
}
