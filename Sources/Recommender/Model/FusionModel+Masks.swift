import TensorCore

/// The random choices of a training batch, drawn apart from their use: hidden modalities and item
/// ids per item, hidden users and kept history items per row. A member of a training group draws
/// them for the whole batch, in the order one process draws them, and keeps its own rows' part,
/// so that N members hide exactly what one process hides (docs/scale-out-training.md).
extension FusionModel {
    struct ItemMasks {
        /// Per item encoder, per item: the encoding is hidden (the missing vector is used).
        var hiddenEncodings: [[Bool]]
        /// Per item: the id is hidden (the unknown row is used).
        var hiddenIds: [Bool]

        /// The masks of the items at `positions` of the masked list, in that order.
        func subset(_ positions: [Int]) -> ItemMasks {
            ItemMasks(hiddenEncodings: hiddenEncodings.map { hidden in positions.map { hidden[$0] } },
                      hiddenIds: positions.map { hiddenIds[$0] })
        }
    }

    struct UserMasks {
        /// Per row: the user is hidden (unknown id, no history, no statistics).
        var hiddenUsers: [Bool]
        /// Per row, per item of the user's history: kept in the history bag (nil: every item but
        /// the row's target).
        var keptHistory: [[Bool]]?

        /// The masks of rows `rows`.
        func rows(_ rows: Range<Int>) -> UserMasks {
            UserMasks(hiddenUsers: Array(hiddenUsers[rows]), keptHistory: keptHistory.map { Array($0[rows]) })
        }
    }

    /// Each present modality of each item is hidden with probability `modalityDropout` (encoders
    /// in order, items in order within each), then each item's id with `itemIdDropout`.
    func drawItemMasks(_ items: [Int], rng: inout SeededGenerator) -> ItemMasks {
        let hiddenEncodings = itemEncoders.enumerated().map { k, encoder in
            items.map { item in
                isModality[k] && options.modalityDropout > 0 && encoder.isPresent(item)
                    && Double(rng.nextUnitFloat()) < options.modalityDropout
            }
        }
        let hiddenIds = items.map { _ in options.itemIdDropout > 0 && Double(rng.nextUnitFloat()) < options.itemIdDropout }
        return ItemMasks(hiddenEncodings: hiddenEncodings, hiddenIds: hiddenIds)
    }

    /// Each row's user is hidden with probability `userIdDropout`; then, when `keep` < 1, each
    /// item of a shown user's history other than the row's target is kept with probability `keep`.
    func drawUserMasks(users: [Int], leaveOut targets: [Int]?, keep: Float, rng: inout SeededGenerator) -> UserMasks {
        let hiddenUsers = users.map { _ in options.userIdDropout > 0 && Double(rng.nextUnitFloat()) < options.userIdDropout }
        guard keep < 1, history != nil else { return UserMasks(hiddenUsers: hiddenUsers, keptHistory: nil) }
        let keptHistory = users.enumerated().map { r, u in
            let items = hiddenUsers[r] ? [] : behavior.history[u]
            let skip = targets?[r] ?? -1
            return items.map { $0 != skip && rng.nextUnitFloat() < keep }
        }
        return UserMasks(hiddenUsers: hiddenUsers, keptHistory: keptHistory)
    }
}
