import Foundation

/// A catalog small enough to train on in about a second: 40 items `i0`…`i39`, 30 users `u0`…`u29`
/// rating 12 items each (1 to 5, a pattern in the item and user ids a model can pick up).
public enum TinyCatalog {
    /// Writes items.csv (`item_id` and the columns `row` gives each item index) and
    /// ratings.csv (`user_id,item_id,rating`) into `dir`.
    public static func write(to dir: URL, itemColumns: String, row: (Int) -> String) throws {
        var items = "item_id,\(itemColumns)\n"
        for i in 0..<40 { items += "i\(i),\(row(i))\n" }
        var ratings = "user_id,item_id,rating\n"
        for u in 0..<30 {
            for k in 0..<12 {
                let i = (u * 7 + k * 3) % 40
                ratings += "u\(u),i\(i),\(1 + (i % 7 + u % 3) % 5)\n"
            }
        }
        try items.write(to: dir.appendingPathComponent("items.csv"), atomically: true, encoding: .utf8)
        try ratings.write(to: dir.appendingPathComponent("ratings.csv"), atomically: true, encoding: .utf8)
    }

    /// Writes `NAME.yaml` into `dir`: a pipeline over the files `write` made, trained two epochs
    /// into `dir/run` with no report; `features` are the lines under `features:`.
    public static func writePipeline(to dir: URL, name: String, seed: Int = 3,
                                     features: [String] = ["text: {fields: [title], dim: 8}"], train: String = "{epochs: 2}") throws {
        try ([
            "name: \(name)",
            "seed: \(seed)",
            "data:",
            "  items: {path: items.csv, id: item_id}",
            "  interactions: {path: ratings.csv, user: user_id, item: item_id, rating: rating}",
            "features:",
        ] + features.map { "  " + $0 } + [
            "train: \(train)",
            "evaluate: {ablation: false}",
            "outputs: {dir: run, report: none}",
        ]).joined(separator: "\n").write(to: dir.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }
}
