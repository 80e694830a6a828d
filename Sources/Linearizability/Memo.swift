import History

/// Lowe's memo of visited search nodes, with subsumption over operations of unknown outcome.
///
/// A node is (the linearized operations, the model state). The linearized set is kept in two
/// parts: the operations that complete (`bits`) and the ones of unknown outcome (`pending`,
/// never required). Nodes with the same first part and state form a group; a node is already
/// covered when its group holds a pending set that is a subset of its own: the node with fewer
/// unknown operations placed can do everything this one can (the operations this one used up
/// are still available to it, and none of them is ever required), so exploring this one again
/// finds nothing new. With no operation of unknown outcome this is the exact memo.
///
/// Groups live in flat arenas found through an open-addressing table, so an insert costs no
/// allocation of its own. The first part's hash is supplied by the caller (kept up to date
/// incrementally with Zobrist keys), and combined here with the state's hash.
struct Memo<State: Hashable> {
    let words: Int
    let pendingWords: Int
    /// Per group: hash, state, completed-operations bitset (`words` each), first pending set.
    private var hashes: [UInt64] = []
    private var states: [State] = []
    private var arena: [UInt64] = []
    private var firstSet: [Int32] = []
    /// Pending sets (`pendingWords` each), chained per group.
    private var sets: [UInt64] = []
    private var nextSet: [Int32] = []
    private var table: [Int32]
    private var mask: Int
    /// Nodes stored (pending sets, over all groups).
    private(set) var count = 0

    init(words: Int, pendingWords: Int = 0, capacity: Int = 1024) {
        self.words = max(words, 1)
        self.pendingWords = pendingWords
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = Array(repeating: -1, count: size)
        mask = size - 1
        // Room for half of `capacity` nodes from the start: a small search then never regrows its
        // arrays (growing each of them several times cost a tiny partition more than its search).
        let nodes = capacity / 2
        hashes.reserveCapacity(nodes)
        states.reserveCapacity(nodes)
        arena.reserveCapacity(nodes * self.words)
        firstSet.reserveCapacity(nodes)
        nextSet.reserveCapacity(nodes)
        if pendingWords > 0 { sets.reserveCapacity(nodes * pendingWords) }
    }

    /// Forgets every node, keeping the storage for the next search unless it is large (a big
    /// search restarted for a short one would spread the few nodes over a big table).
    mutating func removeAll() {
        let keep = table.count <= 1 << 14
        hashes.removeAll(keepingCapacity: keep)
        states.removeAll(keepingCapacity: keep)
        arena.removeAll(keepingCapacity: keep)
        firstSet.removeAll(keepingCapacity: keep)
        sets.removeAll(keepingCapacity: keep)
        nextSet.removeAll(keepingCapacity: keep)
        if keep {
            for k in table.indices { table[k] = -1 }
        } else {
            table = Array(repeating: -1, count: 2048)
            mask = table.count - 1
        }
        count = 0
    }

    /// The open-addressing table's slots (twice the nodes it holds before it grows).
    var tableSize: Int { table.count }

    /// An estimate of the memory held, for the memory budget.
    var approximateBytes: Int {
        arena.capacity * 8 + states.capacity * (MemoryLayout<State>.stride + 16)
            + hashes.capacity * 8 + firstSet.capacity * 4 + sets.capacity * 8 + nextSet.capacity * 4
            + table.count * 4
    }

    /// Inserts the node; false if it (or a node that covers it) was already there.
    mutating func insert(_ bits: [UInt64], bitsHash: UInt64, state: State, pending: [UInt64] = []) -> Bool {
        let h = bitsHash ^ (Self.hash(state) &* 0x9E37_79B9_7F4A_7C15)
        var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let k = Int(table[slot])
            if k < 0 { break }
            if hashes[k] == h && sameBits(k, bits) && states[k] == state { return insertPending(group: k, pending) }
            slot = (slot + 1) & mask
        }
        table[slot] = Int32(states.count)
        hashes.append(h)
        states.append(state)
        arena.append(contentsOf: bits)
        firstSet.append(appendSet(pending, next: -1))
        count += 1
        if states.count * 2 > table.count { grow() }
        return true
    }

    /// The state's hash: `Value.memoHash` for the models whose state is a `Value` (the test folds
    /// away in each specialization), else `hashValue`.
    @inline(__always) private static func hash(_ state: State) -> UInt64 {
        if State.self == Value.self { return unsafeBitCast(state, to: Value.self).memoHash }
        return UInt64(bitPattern: Int64(state.hashValue))
    }

    /// Adds `pending` to group `k` unless a stored set is a subset of it. A stored superset of it
    /// is replaced (it is covered from now on), which keeps the chains short.
    private mutating func insertPending(group k: Int, _ pending: [UInt64]) -> Bool {
        let w = pendingWords
        if w == 0 { return false }
        var s = Int(firstSet[k])
        var superset = -1
        while s >= 0 {
            let base = s * w
            var storedInNew = true
            var newInStored = true
            for j in 0..<w {
                let a = sets[base + j], b = pending[j]
                if a & ~b != 0 { storedInNew = false }
                if b & ~a != 0 { newInStored = false }
            }
            if storedInNew { return false }
            if newInStored && superset < 0 { superset = s }
            s = Int(nextSet[s])
        }
        count += 1
        if superset >= 0 {
            for j in 0..<w { sets[superset * w + j] = pending[j] }
        } else {
            firstSet[k] = appendSet(pending, next: firstSet[k])
        }
        return true
    }

    private mutating func appendSet(_ pending: [UInt64], next: Int32) -> Int32 {
        let index = Int32(nextSet.count)
        nextSet.append(next)
        if pendingWords > 0 { sets.append(contentsOf: pending[0..<pendingWords]) }
        return index
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

extension Value {
    /// A hash for the memo, several times cheaper than `hashValue` (SipHash through `Hasher`),
    /// which the memo computed for every node: integers mixed, strings read eight bytes at a
    /// time. Only the memo's speed depends on it: states it files under one hash are still
    /// compared whole, and two equal strings with different bytes (canonically equivalent
    /// Unicode) only hash apart, so the memo merely explores both.
    var memoHash: UInt64 {
        switch self {
        case .null: return 0x51_7CC1_B727_220A
        case .bool(let b): return b ? 0x2545_F491_4F6C_DD1D : 0x1B87_3593_CC9E_2D51
        case .int(let i): return Self.mix(UInt64(bitPattern: Int64(i)) ^ 0x9E37_79B9_7F4A_7C15)
        case .string(let s):
            if let h = s.utf8.withContiguousStorageIfAvailable({ Self.bytesHash(UnsafeRawBufferPointer($0)) }) { return h }
            return UInt64(bitPattern: Int64(s.hashValue))
        case .array(let a):
            var h: UInt64 = 0xC2B2_AE3D_27D4_EB4F ^ UInt64(a.count)
            for v in a { h = Self.mix(h ^ v.memoHash) }
            return h
        }
    }

    /// `memoHash` for a value that equals another only when their bytes are equal (null, a
    /// boolean, an integer, an ASCII string), so that equal keys always hash alike; nil otherwise.
    var plainKeyHash: UInt64? {
        switch self {
        case .null, .bool, .int: return memoHash
        case .string(let s):
            return s.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 < 0x80 } }) == true ? memoHash : nil
        case .array: return nil
        }
    }

    @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        z = z &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }

    private static func bytesHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x8422_2325_CBF2_9CE4 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail)
    }
}
