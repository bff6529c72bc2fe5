import Recommender

/// The `features` section: which modalities are extracted, and tabular fields of items and users.
public struct FeatureSpec: Sendable {
    public var text: TextSpec?
    public var image: ImageSpec?
    public var audio: AudioSpec?
    public var itemFields: [TabularField]
    public var userFields: [TabularField]

    /// Names of the configured modalities, in the item tower's order.
    public var modalities: [String] {
        [text.map { _ in "text" }, image.map { _ in "image" }, audio.map { _ in "audio" }].compactMap { $0 }
    }
}

extension FeatureSpec {
    static func read(_ r: MappingReader) -> FeatureSpec {
        let text = r.optionalSection("text", doc: "Text of each item: Unicode tokens (CJK as character n-grams), vocabulary or hashing, TF-IDF, an embedding bag (off when absent).").map(TextSpec.read)
        let image = r.optionalSection("image", doc: "Picture of each item: decoded with libpng / libjpeg-turbo, resized, a convolution stack (off when absent).").map(ImageSpec.read)
        let audio = r.optionalSection("audio", doc: "Sound of each item: decoded with libsndfile, resampled, framed spectral features pooled over time (off when absent).").map(AudioSpec.read)
        let fields = TabularField.readList(r, key: "fields", doc: "Tabular columns of the items file fed to the item tower.")
        r.finish()
        return FeatureSpec(text: text, image: image, audio: audio, itemFields: fields, userFields: [])
    }
}
