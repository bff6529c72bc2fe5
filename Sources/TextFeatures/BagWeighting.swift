import Foundation

/// Turns a document's (id, count) pairs into a `TextBag`: tf, idf, norm as scikit-learn's
/// `TfidfTransformer` defines them, computed in `Double` and stored as `Float`.
///
/// tf = count (field-weighted, signed with alternating hashing); `binary`: sign(count);
/// `sublinear_tf`: sign(c) · (1 + ln|c|) for |c| ≥ 1, c below (equal to scikit-learn for
/// integer counts). `tfidf`: w = tf · idf[id]. `l2`: w / ‖w‖₂. Zero weights are dropped.
struct BagWeighting: Sendable {
    let weighting: TextOptions.Weighting
    let sublinear: Bool
    let normalize: Bool
    /// idf per feature id; empty unless `weighting == .tfidf`.
    let idf: [Double]

    init(options: TextOptions, idf: [Double]) {
        weighting = options.weighting
        sublinear = options.sublinearTF
        normalize = options.norm == .l2
        self.idf = idf
    }

    /// The bag of `ids`/`counts`, each id first sent through `map` when given (ids < 0 are
    /// skipped; repeated ids are summed first). `scratch` is reused between calls. One bag per
    /// document in the transform's hot loop: buffers are written through pointers, so the loop
    /// pays no bounds, uniqueness or growth checks.
    func bag(
        ids: UnsafeBufferPointer<Int32>, counts: UnsafeBufferPointer<Float>, map: UnsafeBufferPointer<Int32>? = nil,
        status: TextBag.Status, truncated: Bool, scratch: inout BagScratch
    ) -> TextBag {
        scratch.reserve(ids.count)
        return scratch.order.withUnsafeMutableBufferPointer { order in
            scratch.weights.withUnsafeMutableBufferPointer { raw in
                // Sort (id, position) packed in one word: a plain integer sort, no closure.
                var m = 0
                for k in 0..<ids.count {
                    let id = map?[Int(ids[k])] ?? ids[k]
                    if id >= 0 { order[m] = UInt64(id) << 32 | UInt64(k); m += 1 }
                }
                sortSmallFirst(UnsafeMutableBufferPointer(rebasing: order[0..<m]))
                var sum = 0.0
                let outIDs = [Int32](unsafeUninitializedCapacity: m) { out, written in
                    var n = 0, i = 0
                    while i < m {
                        let id = Int32(order[i] >> 32)
                        var c = Double(counts[Int(order[i] & 0xFFFF_FFFF)])
                        i += 1
                        while i < m && Int32(order[i] >> 32) == id { c += Double(counts[Int(order[i] & 0xFFFF_FFFF)]); i += 1 }
                        guard c != 0 else { continue }
                        let w = weight(count: c, id: id)
                        out[n] = id
                        raw[n] = w
                        sum += w * w
                        n += 1
                    }
                    written = n
                }
                let norm = normalize && sum > 0 ? sum.squareRoot() : 1
                let weights = [Float](unsafeUninitializedCapacity: outIDs.count) { out, n in
                    for j in 0..<outIDs.count { out[j] = Float(raw[j] / norm) }
                    n = outIDs.count
                }
                let finalStatus: TextBag.Status = outIDs.isEmpty ? (status == .missing ? .missing : .empty) : .present
                return TextBag(ids: outIDs, weights: weights, status: finalStatus, truncated: truncated)
            }
        }
    }

    @inline(__always) func weight(count c: Double, id: Int32) -> Double {
        var tf = c
        if weighting == .binary {
            tf = c > 0 ? 1 : -1
        } else if sublinear && abs(c) >= 1 {
            tf = c > 0 ? 1 + log(c) : -(1 + log(-c))
        }
        return weighting == .tfidf ? tf * idf[Int(id)] : tf
    }
}

/// Buffers `BagWeighting.bag` reuses from one document to the next (one per task).
struct BagScratch {
    var order: [UInt64] = []
    var weights: [Double] = []

    /// Room for `n` terms (the buffers only grow).
    mutating func reserve(_ n: Int) {
        guard order.count < n else { return }
        let size = max(n, 2 * order.count, 64)
        order = [UInt64](repeating: 0, count: size)
        weights = [Double](repeating: 0, count: size)
    }
}

/// Sorts ascending: insertion sort for the short arrays of one document's terms (fewer moves and
/// no recursion), the standard sort beyond 32 elements.
@inline(__always) func sortSmallFirst(_ p: UnsafeMutableBufferPointer<UInt64>) {
    guard p.count <= 32 else { var p = p; p.sort(); return }
    for i in 1..<max(1, p.count) {
        let x = p[i]
        var j = i
        while j > 0 && p[j - 1] > x { p[j] = p[j - 1]; j -= 1 }
        p[j] = x
    }
}
