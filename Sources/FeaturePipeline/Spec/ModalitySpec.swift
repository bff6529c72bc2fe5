/// What to do when one item's media or text cannot be read (`on_error` of each modality).
public enum OnError: String, Sendable, Codable, CaseIterable {
    /// Stop the run at the first bad item, naming it.
    case fail
    /// Leave the item out of training and evaluation (its ratings are set aside); report it.
    case skip
    /// Keep the item; the modality counts as missing (learned missing vector and mask bit).
    case fallback
}

/// Keys every modality section shares.
struct ModalityCommon {
    var onError: OnError
    var dim: Int

    static func read(_ r: MappingReader, modality: String, dim: Int) -> ModalityCommon {
        ModalityCommon(
            onError: r.choice("on_error", default: OnError.fallback,
                              doc: "An item whose \(modality) cannot be read: fail (stop the run), skip (leave the item out of training and evaluation) or fallback (treat the \(modality) as missing)."),
            dim: r.int("dim", default: dim, range: 1...4096, doc: "Width of the \(modality) encoder's output in the item tower."))
    }
}
