import TensorCore

/// Divides a `RatingSet` into train, validation and test with a seed.
///
/// Order of decisions: first a `coldItems` share of the rated items and a `coldUsers` share of the
/// users are held out whole (each held-out entity goes to validation or test in proportion to
/// `valid : test`, so model selection sees cold rows too); the remaining warm rows are divided by
/// `method`. Finally every held-out row is tagged by what train actually contains: cold-item if
/// its item has no train rating, else cold-user if its user has none, else warm.
public enum Splitter {
    public static func split(_ set: RatingSet, options: SplitOptions, seed: UInt64) throws -> DataSplit {
        var rng = SeededGenerator(seed: seed, stream: "split")
        var parts = [DataSplit.Part](repeating: .train, count: set.count)
        let warm = holdOutColdRows(set, options, parts: &parts, rng: &rng)
        try divideWarmRows(warm, set, options, parts: &parts, rng: &rng)
        return DataSplit(parts: parts, buckets: buckets(set, parts))
    }

    /// Holds out the rows of a `coldItems` share of the rated items, then of a `coldUsers` share
    /// of the users among the rows not already held out; returns the rows left warm.
    private static func holdOutColdRows(_ set: RatingSet, _ options: SplitOptions, parts: inout [DataSplit.Part],
                                        rng: inout SeededGenerator) -> [Int] {
        let heldShare = options.valid + options.test
        let validShareOfHeld = heldShare > 0 ? options.valid / heldShare : 0
        let itemPart = holdOut(Array(Set(set.items)).sorted(), share: options.coldItems,
                               validShareOfHeld: validShareOfHeld, rng: &rng)
        let userPart = holdOut(Array(0..<Int32(set.userCount)), share: options.coldUsers,
                               validShareOfHeld: validShareOfHeld, rng: &rng)
        var warm: [Int] = []
        for r in 0..<set.count {
            if let p = itemPart[set.items[r]] ?? userPart[set.users[r]] {
                parts[r] = p
            } else {
                warm.append(r)
            }
        }
        return warm
    }

    /// Shuffles `ids` and sends the first `share` of them to validation or test, the first
    /// `validShareOfHeld` of those to validation.
    private static func holdOut(_ ids: [Int32], share: Double, validShareOfHeld: Double,
                                rng: inout SeededGenerator) -> [Int32: DataSplit.Part] {
        var ids = ids
        rng.shuffle(&ids)
        let count = Int((share * Double(ids.count)).rounded())
        var part: [Int32: DataSplit.Part] = [:]
        for (k, id) in ids.prefix(count).enumerated() {
            part[id] = Double(k) < validShareOfHeld * Double(count) ? .valid : .test
        }
        return part
    }

    /// Divides the warm rows by `options.method`.
    private static func divideWarmRows(_ warm: [Int], _ set: RatingSet, _ options: SplitOptions,
                                       parts: inout [DataSplit.Part], rng: inout SeededGenerator) throws {
        switch options.method {
        case .random:
            var rows = warm
            rng.shuffle(&rows)
            assignByShares(rows, options, &parts)
        case .perUser:
            var byUser: [Int32: [Int]] = [:]
            for r in warm { byUser[set.users[r], default: []].append(r) }
            for user in byUser.keys.sorted() {
                var rows = byUser[user]!
                rng.shuffle(&rows)
                assignByShares(rows, options, &parts, keepOneInTrain: true)
            }
        case .temporal:
            let rows = warm.sorted { (set.timestamps[$0], $0) < (set.timestamps[$1], $1) }
            // Latest rows go to test: reverse so the shares cut from the end.
            assignByShares(rows.reversed(), options, &parts)
        case .column:
            for r in warm {
                guard let part = partName(set.splitTags[r]) else {
                    throw DataError(file: "interactions", line: 0, column: "split",
                                    message: "row \(r + 1) of the clean ratings has split value '\(set.splitTags[r])'",
                                    hint: "use train, valid or test in the split column")
                }
                parts[r] = part
            }
            if options.coldItems == 0 && options.validationColdItems > 0 {
                holdOutValidationItems(set, share: options.validationColdItems, parts: &parts, rng: &rng)
            }
        }
    }

    /// Tags each held-out row by what train contains: cold-item if its item has no train rating,
    /// else cold-user if its user has none, else warm.
    private static func buckets(_ set: RatingSet, _ parts: [DataSplit.Part]) -> [DataSplit.Bucket] {
        var userInTrain = [Bool](repeating: false, count: set.userCount)
        var itemInTrain = [Bool](repeating: false, count: set.itemCount)
        for r in 0..<set.count where parts[r] == .train {
            userInTrain[Int(set.users[r])] = true
            itemInTrain[Int(set.items[r])] = true
        }
        var buckets = [DataSplit.Bucket](repeating: .warm, count: set.count)
        for r in 0..<set.count where parts[r] != .train {
            if !itemInTrain[Int(set.items[r])] {
                buckets[r] = .coldItem
            } else if !userInTrain[Int(set.users[r])] {
                buckets[r] = .coldUser
            }
        }
        return buckets
    }

    /// Moves the train rows of a share of the train items that have no test rows to validation,
    /// so validation has cold items while test stays as the file says.
    private static func holdOutValidationItems(_ set: RatingSet, share: Double, parts: inout [DataSplit.Part],
                                               rng: inout SeededGenerator) {
        var inTrain = [Bool](repeating: false, count: set.itemCount), inTest = inTrain
        for r in 0..<set.count {
            if parts[r] == .train { inTrain[Int(set.items[r])] = true }
            if parts[r] == .test { inTest[Int(set.items[r])] = true }
        }
        let trainItems = inTrain.indices.filter { inTrain[$0] }
        var eligible = trainItems.filter { !inTest[$0] }
        rng.shuffle(&eligible)
        let chosen = Set(eligible.prefix(Int((share * Double(trainItems.count)).rounded())).map(Int32.init))
        for r in 0..<set.count where parts[r] == .train && chosen.contains(set.items[r]) { parts[r] = .valid }
    }

    /// First `test` share → test, next `valid` share → valid, the rest train.
    private static func assignByShares<C: Collection>(
        _ rows: C, _ options: SplitOptions, _ parts: inout [DataSplit.Part], keepOneInTrain: Bool = false
    ) where C.Element == Int {
        let count = rows.count
        var testCount = Int((options.test * Double(count)).rounded())
        var validCount = Int((options.valid * Double(count)).rounded())
        if keepOneInTrain, count > 0 {  // a user with few ratings keeps at least one in train
            while testCount + validCount >= count, testCount + validCount > 0 {
                if validCount > 0 { validCount -= 1 } else { testCount -= 1 }
            }
        }
        for (k, r) in rows.enumerated() {
            parts[r] = k < testCount ? .test : k < testCount + validCount ? .valid : .train
        }
    }

    /// Accepted spellings of the split column's values.
    public static func partName(_ tag: String) -> DataSplit.Part? {
        switch tag.trimmedSpaces.lowercased() {
        case "train", "training": return .train
        case "valid", "validation", "val", "dev": return .valid
        case "test", "testing": return .test
        default: return nil
        }
    }
}
