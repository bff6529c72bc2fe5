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

    /// The bag of `ids`/`counts` (ids < 0 are skipped; repeated ids are summed first).
    func bag(ids: [Int32], counts: [Double], status: TextBag.Status, truncated: Bool) -> TextBag {
        var pairs: [(id: Int32, count: Double)] = []
        pairs.reserveCapacity(ids.count)
        for k in ids.indices where ids[k] >= 0 { pairs.append((ids[k], counts[k])) }
        pairs.sort { $0.id < $1.id }
        var outIDs: [Int32] = []
        var weights: [Double] = []
        outIDs.reserveCapacity(pairs.count)
        weights.reserveCapacity(pairs.count)
        var k = 0
        while k < pairs.count {
            let id = pairs[k].id
            var c = pairs[k].count
            k += 1
            while k < pairs.count && pairs[k].id == id { c += pairs[k].count; k += 1 }
            guard c != 0 else { continue }
            outIDs.append(id)
            weights.append(weight(count: c, id: id))
        }
        var norm = 1.0
        if normalize {
            var sum = 0.0
            for w in weights { sum += w * w }
            if sum > 0 { norm = sum.squareRoot() }
        }
        let finalStatus: TextBag.Status = outIDs.isEmpty ? (status == .missing ? .missing : .empty) : .present
        return TextBag(ids: outIDs, weights: weights.map { Float($0 / norm) }, status: finalStatus, truncated: truncated)
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
