@testable import FeaturePipeline
import Recommender
import Testing

@Suite struct ItemLabelsTests {
    /// A column the pipeline does not use as a field, holding several values per item, is
    /// coloured by each item's first value, not by each combination.
    @Test func multiValuedColumnsAreSplit() {
        let values: [String?] = ["Romance|Adventure", "Comedy", "Romance", "Adventure|Comedy", nil]
        let field = ItemLabels.guessedField("genres", values)
        #expect(field.kind == .multiHot && field.separator == "|")
        let labels = ItemLabels.labels(values, field: field)
        #expect(labels.names == ["Adventure", "Comedy", "Romance", "(missing)"])
        #expect(labels.category == [2, 1, 2, 0, 3])
        #expect(labels.title == "genres (first value)")
    }

    @Test func singleValuedColumnsStayCategorical() {
        let values: [String?] = ["drama", "comedy", "drama, romance"]
        #expect(ItemLabels.guessedField("category", values).kind == .multiHot, "one in three splits: multi-valued")
        #expect(ItemLabels.guessedField("category", ["drama", "comedy", "horror", "drama", "comedy", "a, b"]).kind == .categorical)
    }
}
