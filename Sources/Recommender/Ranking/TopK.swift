/// Selecting the best k of many scored items.
public enum TopK {
    /// Indices of the `k` best scores outside `excluded`, best first, in the order of `ties`.
    /// A bounded min-heap: O(n log k) with no allocation per item.
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int, excluded: Set<Int32>, ties: TieBreak) -> [Int32] {
        guard k > 0 else { return [] }
        var heap = Heap(capacity: k, ties: ties)
        for i in 0..<scores.count {
            let item = Int32(i)
            if !excluded.isEmpty && excluded.contains(item) { continue }
            heap.offer(item, scores[i])
        }
        return heap.sortedBestFirst()
    }

    /// The same over an explicit candidate list with its scores (`scores[j]` belongs to `items[j]`).
    public static func select(items: [Int32], scores: [Float], k: Int, ties: TieBreak) -> [Int32] {
        precondition(items.count == scores.count, "TopK.select: \(items.count) items, \(scores.count) scores")
        guard k > 0 else { return [] }
        var heap = Heap(capacity: k, ties: ties)
        for (item, s) in zip(items, scores) { heap.offer(item, s) }
        return heap.sortedBestFirst()
    }

    /// A min-heap of the best `capacity` (item, score) pairs seen so far; its root is the worst kept.
    struct Heap {
        let capacity: Int
        let ties: TieBreak
        var items: [Int32] = []
        var scores: [Float] = []

        init(capacity: Int, ties: TieBreak) {
            self.capacity = capacity
            self.ties = ties
            items.reserveCapacity(capacity)
            scores.reserveCapacity(capacity)
        }

        /// The worst kept pair, once the heap is full.
        var worst: (item: Int32, score: Float)? { items.count == capacity ? (items[0], scores[0]) : nil }

        @inline(__always)
        func worse(_ a: Int, _ b: Int) -> Bool { ties.before(items[b], scores[b], items[a], scores[a]) }

        mutating func offer(_ item: Int32, _ score: Float) {
            if items.count < capacity {
                items.append(item)
                scores.append(score)
                var c = items.count - 1
                while c > 0 {
                    let p = (c - 1) / 2
                    guard worse(c, p) else { break }
                    items.swapAt(c, p); scores.swapAt(c, p)
                    c = p
                }
                return
            }
            guard ties.before(item, score, items[0], scores[0]) else { return }
            items[0] = item
            scores[0] = score
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < items.count && worse(l, m) { m = l }
                if r < items.count && worse(r, m) { m = r }
                if m == p { break }
                items.swapAt(p, m); scores.swapAt(p, m)
                p = m
            }
        }

        func sortedBestFirst() -> [Int32] {
            items.indices.sorted { ties.before(items[$0], scores[$0], items[$1], scores[$1]) }.map { items[$0] }
        }
    }
}
