import Recommender

/// The `features` section: which modalities are extracted, and tabular fields of items and users.
public struct FeatureSpec: Sendable {
    public var itemFields: [TabularField]
    public var userFields: [TabularField]
}

extension FeatureSpec {
    static func read(_ r: MappingReader) -> FeatureSpec {
        let fields = TabularField.readList(r, key: "fields", doc: "Tabular columns of the items file fed to the item tower.")
        r.finish()
        return FeatureSpec(itemFields: fields, userFields: [])
    }
}
