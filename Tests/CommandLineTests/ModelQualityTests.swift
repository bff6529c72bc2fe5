import Foundation
import TestSupport
import Testing

/// What the fixture catalog was generated to show (docs/results.md): content carries signal the
/// fused model uses, so it beats the classical baselines, clearly on items nobody rated, and
/// masking any modality costs accuracy.
@Suite struct ModelQualityTests {
    func rmse(_ metrics: [String: Any], _ model: String, _ bucket: String) throws -> Double {
        let test = try #require(metrics["test"] as? [String: [String: [String: Double]]])
        return try #require(test[model]?[bucket]?["rmse"], "\(model)/\(bucket)")
    }

    @Test func fusedModelBeatsTheBaselinesAndColdItemsMost() throws {
        let m = try FixtureRun.json("metrics.json")
        let fused = try rmse(m, "fused", "all")
        let bias = try rmse(m, "bias", "all"), mf = try rmse(m, "mf", "all"), mean = try rmse(m, "global_mean", "all")
        #expect(fused < bias && fused < mf && fused < mean, "fused \(fused), bias \(bias), mf \(mf), mean \(mean)")
        let coldFused = try rmse(m, "fused", "cold-item"), coldBias = try rmse(m, "bias", "cold-item")
        #expect(coldFused < coldBias * 0.97, "cold items: fused \(coldFused) vs bias \(coldBias): content must carry them")
    }

    @Test func maskingAnyModalityCostsAccuracy() throws {
        let m = try FixtureRun.json("metrics.json")
        let ablation = try #require(m["ablation"] as? [String: [String: [String: Double]]])
        #expect(Set(ablation.keys) == ["text", "image", "audio"])
        for (modality, buckets) in ablation {
            let delta = try #require(buckets["all"]?["rmse"])
            #expect(delta > 0.001, "masking \(modality) changed RMSE by \(delta)")
        }
    }
}
