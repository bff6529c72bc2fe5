import Recommender
import TensorCore
import TestSupport
import Testing

/// A user described by ratings (`recommend --history`) goes through the same towers as a
/// trained user: with the id hidden, as the ranking head sees every user, the vector from the
/// user's own history equals the trained user's; with no history it is the cold user.
@Suite struct HistoryUserVectorTests {
    @Test func aHistoryReproducesTheTrainedUsersRankingVector() throws {
        let g: FusionModelParityTests.Golden = try Repository.golden("recommender/fusion_model.json")
        let model = FusionModelParityTests.build(g)
        let trained = model.userVectors(forRanking: true)
        let d = trained.shape[1]
        for u in 0..<model.userCount {
            let own = model.userVector(history: model.behavior.history[u], ratings: model.behavior.historyRatings[u], forRanking: true)
            let row = Array(trained.storage[(u * d)..<((u + 1) * d)])
            let check = closeness(own.storage, row, absolute: 1e-6, relative: 1e-6)
            #expect(check.ok, "user \(u): \(check.detail)")
        }
    }

    @Test func noHistoryIsTheColdUser() throws {
        let g: FusionModelParityTests.Golden = try Repository.golden("recommender/fusion_model.json")
        let model = FusionModelParityTests.build(g)
        #expect(model.userVector(history: [], ratings: []).storage == model.coldUserVector().storage)
        #expect(model.userVector(history: [], ratings: [], forRanking: true).storage == model.coldUserVector(forRanking: true).storage)
    }
}
