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
    /// skipped; repeated ids are summed first). `scratch` is reused between calls.
    func bag(
        ids: UnsafeBufferPointer<Int32>, counts: UnsafeBufferPointer<Float>, map: UnsafeBufferPointer<Int32>? = nil,
        status: TextBag.Status, truncated: Bool, scratch: inout BagScratch
    ) -> TextBag {
        // Sort (id, position) packed in one word: a plain integer sort, no closure.
        scratch.order.removeAll(keepingCapacity: true)
        scratch.weights.removeAll(keepingCapacity: true)
        for k in 0..<ids.count {
            let id = map?[Int(ids[k])] ?? ids[k]
            if id >= 0 { scratch.order.append(UInt64(id) << 32 | UInt64(k)) }
        }
        sortSmallFirst(&scratch.order)
        var outIDs: [Int32] = []
        outIDs.reserveCapacity(scratch.order.count)
        var sum = 0.0
        let order = scratch.order
        var i = 0
        while i < order.count {
            let id = Int32(order[i] >> 32)
            var c = Double(counts[Int(order[i] & 0xFFFF_FFFF)])
            i += 1
            while i < order.count && Int32(order[i] >> 32) == id { c += Double(counts[Int(order[i] & 0xFFFF_FFFF)]); i += 1 }
            guard c != 0 else { continue }
            let w = weight(count: c, id: id)
            outIDs.append(id)
            scratch.weights.append(w)
            sum += w * w
        }
        let norm = normalize && sum > 0 ? sum.squareRoot() : 1
        let weights = [Float](unsafeUninitializedCapacity: outIDs.count) { out, n in
            for j in 0..<outIDs.count { out[j] = Float(scratch.weights[j] / norm) }
            n = outIDs.count
        }
        let finalStatus: TextBag.Status = outIDs.isEmpty ? (status == .missing ? .missing : .empty) : .present
        return TextBag(ids: outIDs, weights: weights, status: finalStatus, truncated: truncated)
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
}

/// Sorts ascending: insertion sort for the short arrays of one document's terms (fewer moves and
/// no recursion), the standard sort beyond 32 elements.
@inline(__always) func sortSmallFirst(_ a: inout [UInt64]) {
    guard a.count <= 32 else { a.sort(); return }
    a.withUnsafeMutableBufferPointer { p in
        for i in 1..<max(1, p.count) {
            let x = p[i]
            var j = i
            while j > 0 && p[j - 1] > x { p[j] = p[j - 1]; j -= 1 }
            p[j] = x
        }
    }
}
