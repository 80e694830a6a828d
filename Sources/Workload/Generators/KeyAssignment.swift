/// Which independent key a worker's requests go to.
///
/// Workers are dealt into `min(keys, concurrency)` groups (worker w into group w mod groups).
/// Each group works on one key at a time; with a per-key bound B, the group's workers share B
/// (each takes a fixed part of it, the parts adding up to B exactly), and a worker that has used
/// its part moves on to the group's next key. Group g's keys are g, g + groups, g + 2·groups, …,
/// so keys never overlap between groups and no key gets more than B requests, whatever the
/// timing. Without a bound a group keeps its first key.
struct KeyAssignment: Sendable, Hashable {
    /// The worker's group, which is also its first key.
    let group: Int
    let groups: Int
    /// Requests this worker makes on one key before moving on; nil for no bound.
    let quota: Int?

    init(worker: Int, concurrency: Int, keys: Int, perKey bound: Int?) {
        groups = min(keys, concurrency)
        group = worker % groups
        guard let bound else {
            quota = nil
            return
        }
        let size = concurrency / groups + (group < concurrency % groups ? 1 : 0)
        let rank = worker / groups
        quota = bound / size + (rank < bound % size ? 1 : 0)
    }

    /// The size of the largest group: the smallest per-key bound that gives every worker a share.
    static func largestGroup(concurrency: Int, keys: Int) -> Int {
        let groups = min(keys, concurrency)
        return (concurrency + groups - 1) / groups
    }

    /// The key of this worker's n-th request (counting from 0) among those the bound counts.
    func key(forRequest n: Int) -> Int {
        guard let quota else { return group }
        return group + (n / quota) * groups
    }
}
