@testable import FeaturePipeline
import Foundation
import TensorCore
import TestSupport
import Testing

/// The report's PCA against scikit-learn (scripts/golden/report_pca.py).
@Suite struct ReportPCATests {
    struct Golden: Decodable {
        struct Case: Decodable {
            let name: String
            let rows: Int, cols: Int
            let data: [Float]
            let mean: [Double]
            let components: [[Double]]
            let explained_variance: [Double]
            let explained_variance_ratio: [Double]
            let projection: [[Double]]
        }
        let cases: [Case]
    }

    static let golden: [Golden.Case] = (try? Repository.golden("report/pca.json", as: Golden.self).cases) ?? []

    @Test(arguments: golden.map(\.name)) func matchesScikitLearn(_ name: String) throws {
        let g = try #require(Self.golden.first { $0.name == name })
        let data = Tensor(shape: [g.rows, g.cols], storage: g.data)
        let pca = PrincipalComponents(fitting: data, count: 2)
        let scale = Float(g.explained_variance[0].squareRoot())
        for k in 0..<2 {
            let axis = closeness(pca.components[k].map(Float.init), g.components[k].map(Float.init), absolute: 2e-4, relative: 0)
            #expect(axis.ok, "component \(k) (sign convention included): \(axis.detail)")
        }
        let variance = closeness(pca.explainedVariance.map(Float.init), g.explained_variance.map(Float.init), absolute: 0, relative: 1e-4)
        #expect(variance.ok, "\(variance.detail)")
        let ratio = closeness(pca.explainedVarianceRatio.map(Float.init), g.explained_variance_ratio.map(Float.init), absolute: 1e-5, relative: 1e-4)
        #expect(ratio.ok, "\(ratio.detail)")
        let projected = pca.project(data)
        let expected = closeness(projected.storage, g.projection.flatMap { $0.map(Float.init) }, absolute: 2e-4 * scale, relative: 0)
        #expect(expected.ok, "\(expected.detail)")
    }

    @Test func goldenFileHasTheThreeCases() {
        #expect(Self.golden.map(\.name) == ["correlated", "negative_axis", "embeddings"])
    }

    @Test func constantDataGivesZeroVarianceNotNaN() {
        let pca = PrincipalComponents(fitting: Tensor(shape: [5, 3], repeating: 2), count: 2)
        #expect(pca.explainedVariance == [0, 0])
        #expect(pca.explainedVarianceRatio == [0, 0])
        #expect(pca.project(Tensor(shape: [5, 3], repeating: 2)).storage.allSatisfy { $0 == 0 })
    }

    @Test func sameInputGivesTheSameBytes() {
        var rng = SeededGenerator(seed: 9)
        let data = Tensor.normal(shape: [50, 16], using: &rng)
        let a = PrincipalComponents(fitting: data, count: 2).project(data)
        let b = PrincipalComponents(fitting: data, count: 2).project(data)
        #expect(a.storage == b.storage)
    }
}
