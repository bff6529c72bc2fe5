/// The modality types a pipeline file may configure under `features:`, in the item tower's order
/// (which is also the order failures tie in and summaries are listed).
///
/// A new modality is added by writing its `ItemModality` type and listing it here (or, in a test,
/// by `adding` it to the registry a pipeline file is read with).
public struct ModalityRegistry: Sendable {
    let types: [any ItemModality.Type]

    public static let standard = ModalityRegistry(types: [TextModality.self, ImageModality.self, AudioModality.self])

    func adding(_ type: any ItemModality.Type) -> ModalityRegistry { ModalityRegistry(types: types + [type]) }

    var names: [String] { types.map { $0.name } }
}
