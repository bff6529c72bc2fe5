import TensorCore

/// EASE^R (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019) as a ranker.
///
/// X is the users × items 0/1 matrix of the train rows (a rating of any value counts as 1, a
/// repeated pair once). G = XᵀX + λI, P = G⁻¹, B_ij = −P_ij / P_jj for i ≠ j, B_jj = 0, and the
/// score of item j for user u is (X_u B)_j.
///
/// Only the active items (at least one train row) get rows and columns: a never-rated item's row
/// and column of G are λ times a unit vector, so G is block diagonal, the active block's inverse is
/// the same, and the item's row and column of B are 0. Such items score exactly 0, which ranks
/// them above every item whose score is negative. Users without train rows score 0 everywhere
/// and get the `TieBreak` order (train popularity).
///
/// Precision: Float32 Cholesky (LAPACK `spotrf` + `spotri`) is enough. On the anime data set
/// (4 714 users, 7 157 items) B differs from numpy's float64 `np.linalg.inv` by at most 1.3e-6
/// of max |B| at λ = 500 (2.6e-5 at λ = 5); 4 712 of 4 714 users get the same top-10 list (4 708
/// at λ = 5), the others swap or exchange items whose float64 scores differ by less than 2e-6.
/// scripts/bench/topn_baselines.py measures it.
public struct EASEBaseline: ScoreRanker {
    public let name = "ease"
    /// Above this many active items the fit is not attempted (`TopNBaseline.fit` falls back to
    /// item-kNN). B costs active² Float32 and the fit is cubic: at 20 000 items, 1.6 GB and 87 s
    /// on one thread (measured on a synthetic set; 4.3 s at anime's 7 157 items).
    public static let itemLimit = 20_000

    public let regularization: Float
    /// Catalog index of each row and column of `weights`, ascending.
    public var activeItems: [Int32] { interactions.activeItems }
    /// B over the active items: (active, active), row-major, zero diagonal.
    public let weights: Tensor
    let interactions: BinaryInteractions

    /// Throws when XᵀX + λI is not positive definite in Float32, which in practice needs λ ≤ 0.
    public init(fit train: TrainingView, regularization: Float = 500) throws(LAPACK.NotPositiveDefinite) {
        try self.init(BinaryInteractions(train), regularization: regularization)
    }

    init(_ x: BinaryInteractions, regularization: Float) throws(LAPACK.NotPositiveDefinite) {
        self.regularization = regularization
        interactions = x
        let n = x.activeCount
        var b = [Float](repeating: 0, count: n * n)
        try b.withUnsafeMutableBufferPointer { buffer throws(LAPACK.NotPositiveDefinite) in
            guard let g = buffer.baseAddress else { return }
            Self.fillGram(x, regularization: regularization, into: g)
            try LAPACK.invertSymmetricPositiveDefinite(g, n: n)
            let diagonal = (0..<n).map { g[$0 * n + $0] }
            diagonal.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let row = g + i * n
                    for j in 0..<n { row[j] = -row[j] / p[j] }
                    row[i] = 0
                }
            }
        }
        weights = Tensor(shape: [n, n], storage: b)
    }

    /// G = XᵀX + λI into the zeroed n × n matrix at `g`, one row per column of X from the
    /// co-occurrence lists: Σ_u n_u² additions instead of a dense users × items² product.
    static func fillGram(_ x: BinaryInteractions, regularization: Float, into g: UnsafeMutablePointer<Float>) {
        let n = x.activeCount
        var scratch = CooccurrenceScratch(columns: n)
        for c in 0..<n {
            let row = g + c * n
            x.forEachCooccurrence(ofColumn: c, scratch: &scratch) { other, count in row[other] = Float(count) }
            row[c] += regularization
        }
    }

    /// Σ of the B rows of each user's items, scattered to catalog columns: X is ~1 % dense on
    /// real data, so adding rows is ~4× faster than a dense sgemm of the users' X rows by B.
    public func rankingScores(users: [Int32]) -> Tensor {
        let n = interactions.activeCount, items = interactions.itemCount
        var out = Tensor(shape: [users.count, items])
        var active = [Float](repeating: 0, count: n)
        weights.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                active.withUnsafeMutableBufferPointer { a in
                    for (r, u) in users.enumerated() {
                        a.update(repeating: 0)
                        for c in interactions.columns(ofUser: Int(u)) { Kernels.axpy(n, 1, b.baseAddress! + Int(c) * n, a.baseAddress!) }
                        let row = o.baseAddress! + r * items
                        if n == items {
                            row.update(from: a.baseAddress!, count: n)
                        } else {
                            for (c, item) in interactions.activeItems.enumerated() { row[Int(item)] = a[c] }
                        }
                    }
                }
            }
        }
        return out
    }
}
