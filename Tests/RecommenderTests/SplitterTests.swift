import Recommender
import TensorCore
import Testing

@Suite struct SplitterTests {
    /// 40 users × 30 items, each user rating 20 random items, times increasing with the row.
    static func synthetic() -> RatingSet {
        var rng = SeededGenerator(seed: 1)
        var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = [], times: [Double] = []
        for u in 0..<40 {
            var pool = Array(0..<Int32(30))
            rng.shuffle(&pool)
            for i in pool.prefix(20) {
                users.append(Int32(u)); items.append(i)
                ratings.append(Float(1 + rng.nextInt(below: 5))); times.append(Double(users.count))
            }
        }
        return RatingSet(userIds: (0..<40).map { "u\($0)" }, itemIds: (0..<30).map { "i\($0)" },
                         users: users, items: items, ratings: ratings, timestamps: times,
                         splitTags: (0..<users.count).map { ["train", "valid", "test", "train"][$0 % 4] })
    }

    let set = synthetic()

    @Test func sameSeedSameSplitAndSharesHold() throws {
        var options = SplitOptions()
        options.coldItems = 0; options.coldUsers = 0
        let a = try Splitter.split(set, options: options, seed: 5)
        #expect(a == (try Splitter.split(set, options: options, seed: 5)))
        #expect(a != (try Splitter.split(set, options: options, seed: 6)))
        #expect(a.count(.test) == 80 && a.count(.valid) == 80 && a.count(.train) == 640)
    }

    @Test func coldItemsAndUsersAreHeldOutWholeAndTagged() throws {
        var options = SplitOptions()
        options.coldItems = 0.1; options.coldUsers = 0.1
        let s = try Splitter.split(set, options: options, seed: 3)
        let trainItems = Set(s.rows(in: .train).map { set.items[$0] })
        let trainUsers = Set(s.rows(in: .train).map { set.users[$0] })
        #expect(trainItems.count == 27, "3 of 30 items are cold")
        #expect(trainUsers.count == 36, "4 of 40 users are cold")
        for r in 0..<set.count where s.parts[r] != .train {
            let expected: DataSplit.Bucket = !trainItems.contains(set.items[r]) ? .coldItem
                : !trainUsers.contains(set.users[r]) ? .coldUser : .warm
            #expect(s.buckets[r] == expected)
        }
        #expect(!s.rows(in: .valid, bucket: .coldItem).isEmpty, "validation sees cold items too")
        #expect(!s.rows(in: .test, bucket: .coldUser).isEmpty)
    }

    @Test func perUserKeepsEveryWarmUserInTrain() throws {
        var options = SplitOptions()
        options.method = .perUser; options.valid = 0.3; options.test = 0.3; options.coldUsers = 0; options.coldItems = 0
        let s = try Splitter.split(set, options: options, seed: 1)
        for u in 0..<Int32(40) {
            let rows = (0..<set.count).filter { set.users[$0] == u }
            #expect(rows.filter { s.parts[$0] == .train }.count == 8)
            #expect(rows.filter { s.parts[$0] == .test }.count == 6)
        }
    }

    @Test func temporalPutsTheLatestRowsInTest() throws {
        var options = SplitOptions()
        options.method = .temporal; options.coldItems = 0; options.coldUsers = 0
        let s = try Splitter.split(set, options: options, seed: 1)
        let latestTrain = s.rows(in: .train).map { set.timestamps[$0] }.max()!
        let earliestValid = s.rows(in: .valid).map { set.timestamps[$0] }.min()!
        let earliestTest = s.rows(in: .test).map { set.timestamps[$0] }.min()!
        #expect(latestTrain < earliestValid && s.rows(in: .valid).map { set.timestamps[$0] }.max()! < earliestTest)
    }

    @Test func columnFollowsTheTags() throws {
        var options = SplitOptions()
        options.method = .column; options.coldItems = 0; options.coldUsers = 0
        let s = try Splitter.split(set, options: options, seed: 1)
        for r in 0..<set.count {
            #expect(s.parts[r] == [DataSplit.Part.train, .valid, .test, .train][r % 4])
        }
    }

    @Test func columnHoldsOutValidationItemsOnlyAmongItemsWithoutTestRows() throws {
        var tagged = set
        // Items 0–9 never appear in test: their test rows become train rows.
        tagged.splitTags = (0..<set.count).map { r in
            set.items[r] < 10 && set.splitTags[r] == "test" ? "train" : set.splitTags[r]
        }
        var options = SplitOptions()
        options.method = .column; options.coldItems = 0; options.coldUsers = 0; options.validationColdItems = 0.2
        let s = try Splitter.split(tagged, options: options, seed: 4)
        let moved = (0..<set.count).filter { Splitter.partName(tagged.splitTags[$0]) != s.parts[$0] }
        let movedItems = Set(moved.map { tagged.items[$0] })
        #expect(movedItems.count == 6, "20 % of the 30 train items")
        #expect(movedItems.allSatisfy { $0 < 10 }, "only items without test rows: their test predictions do not change")
        for r in moved {
            #expect(tagged.splitTags[r] == "train" && s.parts[r] == .valid && s.buckets[r] == .coldItem)
        }
        #expect(s.rows(in: .test) == (0..<set.count).filter { tagged.splitTags[$0] == "test" }, "test is the file's")
        for r in 0..<set.count where movedItems.contains(tagged.items[r]) { #expect(s.parts[r] != .train) }
    }
}
