import AudioFeatures

/// `features.audio`: which column holds each item's sound, and how it is turned into features.
public struct AudioSpec: Sendable, Equatable {
    public var field: String
    public var options: AudioOptions
    /// Width of the trainable projection of the pooled features.
    public var dim: Int
    public var onError: OnError
}

extension AudioSpec {
    /// Keys override the preset's values (`AudioOptions.keys` lists them; docs/audio.md explains them).
    static func read(_ r: MappingReader) -> AudioSpec {
        let field = r.string("field", default: "audio", doc: "Column of the items file holding the sound's path.") ?? "audio"
        var o = AudioOptions()
        OptionTableReader.read(&o, AudioOptions.keys, from: r)
        let common = ModalityCommon.read(r, modality: AudioModality.name, dim: 16)
        for problem in o.validate() { r.report("", nil, problem, hint: "see docs/audio.md for the allowed combinations") }
        r.finish()
        return AudioSpec(field: field, options: o, dim: common.dim, onError: common.onError)
    }
}
