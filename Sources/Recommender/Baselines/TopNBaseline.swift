/// The top-N baseline of the evaluate stage: EASE^R when the train rows rate few enough distinct
/// items, item-kNN otherwise.
public enum TopNBaseline {
    /// EASEBaseline when the active items (at least one train row) are at most `easeItemLimit`,
    /// else ItemKNNBaseline; `note`, meant for the user, says when and why EASE^R was not used.
    public static func fit(
        train: TrainingView, easeItemLimit: Int = EASEBaseline.itemLimit, regularization: Float = 500,
        neighbors: Int = 100, threads: Int = 1
    ) -> (ranker: any ScoreRanker, note: String?) {
        let x = BinaryInteractions(train)
        let fallback = "using item_knn (\(neighbors) neighbours) instead"
        guard x.activeCount <= easeItemLimit else {
            let note = "ease: \(grouped(x.activeCount)) rated items exceed the EASE^R limit of \(grouped(easeItemLimit)); \(fallback)"
            return (ItemKNNBaseline(x, neighbors: neighbors, threads: threads), note)
        }
        do {
            return (try EASEBaseline(x, regularization: regularization), nil)
        } catch {
            let note = "ease: XᵀX + λI with λ = \(regularization) is not positive definite (leading minor of order "
                + "\(error.minor) of \(grouped(error.order))); \(fallback); a larger λ avoids this"
            return (ItemKNNBaseline(x, neighbors: neighbors, threads: threads), note)
        }
    }

    /// 123456 → "123 456".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, d in i > 0 && (digits.count - i) % 3 == 0 ? [" ", d] : [d] })
    }
}
