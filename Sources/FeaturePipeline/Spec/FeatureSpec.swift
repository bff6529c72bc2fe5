import Recommender

/// The `features` section: which modalities are extracted, and tabular fields of items and users.
public struct FeatureSpec: Sendable {
    /// The configured modalities, in the registry's order (the item tower's).
    var modalities: [any ItemModality]
    /// The modality types this file was read with (model.json's states are decoded with them).
    let registry: ModalityRegistry
    public var itemFields: [TabularField]
    public var userFields: [TabularField]

    /// Names of the configured modalities, in the item tower's order.
    public var modalityNames: [String] { modalities.map(\.name) }

    func modality<M: ItemModality>(_ type: M.Type) -> M? { modalities.lazy.compactMap { $0 as? M }.first }

    /// The configured modality called `name` (as summaries and errors.jsonl name it).
    func modality(named name: String) -> (any ItemModality)? { modalities.first { $0.name == name } }

    public var text: TextSpec? { modality(TextModality.self)?.spec }
    public var image: ImageSpec? { modality(ImageModality.self)?.spec }
    public var audio: AudioSpec? { modality(AudioModality.self)?.spec }
}

extension FeatureSpec {
    static func read(_ r: MappingReader, registry: ModalityRegistry) -> FeatureSpec {
        let modalities = registry.types.compactMap { type in
            r.optionalSection(type.name, doc: type.summary).map { type.read($0) as any ItemModality }
        }
        let fields = TabularField.readList(r, key: "fields", doc: "Tabular columns of the items file fed to the item tower.")
        r.finish()
        return FeatureSpec(modalities: modalities, registry: registry, itemFields: fields, userFields: [])
    }
}
