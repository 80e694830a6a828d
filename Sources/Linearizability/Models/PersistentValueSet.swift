import History

/// An immutable set of values that shares structure between versions: a hash trie of 32-way
/// nodes. Inserting copies only the O(log n) nodes on one path, and hashing is O(1) (count and an
/// order-independent digest of the elements), so a search that keeps one set per node of its
/// tree, and a memo of them, pays per step for the step and not for the set's size.
///
/// Equality is by elements: sets with equal count and digest are compared element by element.
struct PersistentValueSet: Hashable, Sendable {
    private(set) var count = 0
    /// XOR of the mixed hashes of the elements: the same for the same elements in any order.
    private var digest: UInt64 = 0
    private var root: TrieNode?

    init() {}

    init(_ values: some Sequence<Value>) {
        for v in values { self = inserting(v) }
    }

    /// The element's 64-bit hash, as the trie uses it (stable within one process).
    static func hash(of value: Value) -> UInt64 {
        UInt64(bitPattern: Int64(value.hashValue))
    }

    /// This set with `value` added (itself when it is already there).
    func inserting(_ value: Value) -> PersistentValueSet {
        inserting(value, hash: Self.hash(of: value))
    }

    /// `inserting` with the hash given, so tests can force collisions. Every set compared with
    /// this one must have been built with the same hashes.
    func inserting(_ value: Value, hash: UInt64) -> PersistentValueSet {
        let (node, added) = TrieNode.inserting(value, hash: hash, level: 0, into: root)
        guard added else { return self }
        var copy = self
        copy.root = node
        copy.count += 1
        copy.digest ^= Self.mix(hash)
        return copy
    }

    func contains(_ value: Value) -> Bool {
        contains(value, hash: Self.hash(of: value))
    }

    func contains(_ value: Value, hash: UInt64) -> Bool {
        root?.contains(value, hash: hash, level: 0) ?? false
    }

    /// Every element, in no particular order.
    var elements: [Value] {
        var out: [Value] = []
        out.reserveCapacity(count)
        root?.collect(into: &out)
        return out
    }

    /// True if every element is in `other`.
    func isSubset(of other: Set<Value>) -> Bool {
        count <= other.count && (root?.allSatisfy { other.contains($1) } ?? true)
    }

    /// True if this set holds exactly the elements of `other`.
    func equals(_ other: Set<Value>) -> Bool {
        count == other.count && other.allSatisfy { contains($0) }
    }

    static func == (a: PersistentValueSet, b: PersistentValueSet) -> Bool {
        guard a.count == b.count, a.digest == b.digest else { return false }
        if a.root === b.root { return true }
        return a.root?.allSatisfy { b.contains($1, hash: $0) } ?? true
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(digest)
    }

    /// Spreads a hash over all bits (SplitMix64's first output for it as seed), so that XOR-ing
    /// many of them does not cancel out on structured input (small integers).
    private static func mix(_ x: UInt64) -> UInt64 {
        var spreader = SplitMix64(seed: x)
        return spreader.next()
    }
}

/// One node of the trie: up to 32 slots, chosen by 5 bits of the hash per level, stored densely.
private final class TrieNode: Sendable {
    enum Slot: Sendable {
        case element(hash: UInt64, value: Value)
        /// Elements whose whole 64-bit hashes are equal.
        case collision(hash: UInt64, values: [Value])
        case node(TrieNode)
    }

    let bitmap: UInt32
    let slots: [Slot]

    init(bitmap: UInt32, slots: [Slot]) {
        self.bitmap = bitmap
        self.slots = slots
    }

    private static func bit(_ hash: UInt64, _ level: Int) -> UInt32 {
        level >= 13 ? 1 : 1 << UInt32((hash >> UInt64(5 * level)) & 31)
    }

    private func index(of bit: UInt32) -> Int { (bitmap & (bit &- 1)).nonzeroBitCount }

    /// The node with `value` inserted, and whether it was new.
    static func inserting(_ value: Value, hash: UInt64, level: Int, into node: TrieNode?) -> (TrieNode, Bool) {
        guard let node else { return (TrieNode(bitmap: bit(hash, level), slots: [.element(hash: hash, value: value)]), true) }
        let b = bit(hash, level)
        let i = node.index(of: b)
        guard node.bitmap & b != 0 else {
            var slots = node.slots
            slots.insert(.element(hash: hash, value: value), at: i)
            return (TrieNode(bitmap: node.bitmap | b, slots: slots), true)
        }
        let replacement: Slot
        switch node.slots[i] {
        case .element(let h, let v):
            if h == hash {
                if v == value { return (node, false) }
                replacement = .collision(hash: h, values: [v, value])
            } else {
                let (below, _) = inserting(v, hash: h, level: level + 1, into: nil)
                let (both, _) = inserting(value, hash: hash, level: level + 1, into: below)
                replacement = .node(both)
            }
        case .collision(let h, let values):
            if h == hash {
                if values.contains(value) { return (node, false) }
                replacement = .collision(hash: h, values: values + [value])
            } else {
                let holder = TrieNode(bitmap: bit(h, level + 1), slots: [.collision(hash: h, values: values)])
                let (both, _) = inserting(value, hash: hash, level: level + 1, into: holder)
                replacement = .node(both)
            }
        case .node(let child):
            let (updated, added) = inserting(value, hash: hash, level: level + 1, into: child)
            guard added else { return (node, false) }
            replacement = .node(updated)
        }
        var slots = node.slots
        slots[i] = replacement
        return (TrieNode(bitmap: node.bitmap, slots: slots), true)
    }

    func contains(_ value: Value, hash: UInt64, level: Int) -> Bool {
        let b = Self.bit(hash, level)
        guard bitmap & b != 0 else { return false }
        switch slots[index(of: b)] {
        case .element(let h, let v): return h == hash && v == value
        case .collision(let h, let values): return h == hash && values.contains(value)
        case .node(let child): return child.contains(value, hash: hash, level: level + 1)
        }
    }

    /// True if `predicate` holds for every (hash, element).
    func allSatisfy(_ predicate: (UInt64, Value) -> Bool) -> Bool {
        for slot in slots {
            switch slot {
            case .element(let h, let v): if !predicate(h, v) { return false }
            case .collision(let h, let values): if !values.allSatisfy({ predicate(h, $0) }) { return false }
            case .node(let child): if !child.allSatisfy(predicate) { return false }
            }
        }
        return true
    }

    func collect(into out: inout [Value]) {
        for slot in slots {
            switch slot {
            case .element(_, let v): out.append(v)
            case .collision(_, let values): out.append(contentsOf: values)
            case .node(let child): child.collect(into: &out)
            }
        }
    }
}
