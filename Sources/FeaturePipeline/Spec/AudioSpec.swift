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
    /// Keys override the preset's values (docs/audio.md has the full table).
    static func read(_ r: MappingReader) -> AudioSpec {
        let field = r.string("field", default: "audio", doc: "Column of the items file holding the sound's path.") ?? "audio"
        let preset = r.choice("preset", default: AudioOptions.Preset.librosa, doc: "librosa (librosa's defaults) or kaldi (Kaldi-style fbank: 25 ms / 10 ms, povey window, pre-emphasis 0.97); the keys below override it.")
        var o = AudioOptions(preset: preset)
        o.sampleRate = r.int("sample_rate", default: o.sampleRate, range: 1000...384_000, doc: "Rate every clip is resampled to (Hz).")
        o.channels = r.choice("channels", default: o.channels, doc: "mono (mean of the channels), first, or keep (pool over channels and time).")
        o.offset = r.double("offset", default: o.offset, range: 0...1e9, doc: "Seconds skipped at the start of each clip.")
        o.duration = r.optionalDouble("duration", default: o.duration, range: 0.001...1e9, doc: "Seconds read after the offset; null: to the end")
        o.maxSeconds = r.optionalDouble("max_seconds", default: o.maxSeconds, range: 0.001...1e9, doc: "Longer windows are rejected as too_long, checked from the header before reading")
        o.maxChannels = r.int("max_channels", default: o.maxChannels, range: 1...1024, doc: "Files with more channels are rejected as too_large.")
        o.maxBytes = r.int("max_bytes", default: o.maxBytes, range: 1...Int.max, doc: "Larger files are rejected as too_large before reading.")
        o.resampleQuality = r.choice("resample_quality", default: o.resampleQuality, doc: "soxr quality recipe.")
        o.nFFT = r.int("n_fft", default: o.nFFT, range: 16...65_536, doc: "FFT size (samples).")
        o.hop = r.int("hop", default: o.hop, range: 1...65_536, doc: "Samples between frames.")
        o.winLength = r.optionalInt("win_length", range: 1...65_536, doc: "Window length (samples); null: n_fft.") ?? o.winLength
        o.window = r.choice("window", default: o.window, doc: "Window function.")
        o.framing = r.choice("framing", default: o.framing, doc: "librosa framing, or kaldi (frames fully inside the signal).")
        o.center = r.bool("center", default: o.center, doc: "Pad the signal so frames are centred on their times (librosa's center).")
        o.padMode = r.choice("pad_mode", default: o.padMode, doc: "Padding used with center.")
        o.removeDC = r.bool("remove_dc", default: o.removeDC, doc: "Subtract each frame's mean (Kaldi).")
        o.preEmphasis = r.double("pre_emphasis", default: o.preEmphasis, range: 0...0.999, doc: "Pre-emphasis coefficient (0: off).")
        o.power = r.double("power", default: o.power, range: 1...2, doc: "1: magnitude spectrogram, 2: power spectrogram.")
        o.nMels = r.int("n_mels", default: o.nMels, range: 1...512, doc: "Mel bands.")
        o.fmin = r.double("fmin", default: o.fmin, range: 0...192_000, doc: "Lowest mel frequency (Hz).")
        o.fmax = r.optionalDouble("fmax", default: o.fmax, range: 1...192_000, doc: "Highest mel frequency (Hz); null: sample_rate / 2")
        o.melScale = r.choice("mel_scale", default: o.melScale, doc: "Mel scale formula.")
        o.melNorm = r.choice("mel_norm", default: o.melNorm, doc: "slaney: each band has unit area; none.")
        let db = r.section("db", doc: "power_to_db settings.")
        o.db.ref = db.double("ref", default: o.db.ref, range: 1e-30...1e30, doc: "Reference power (0 dB).")
        o.db.amin = db.double("amin", default: o.db.amin, range: 1e-30...1, doc: "Floor of the power before the logarithm.")
        o.db.topDB = db.optionalDouble("top_db", default: o.db.topDB, range: 0.001...1000, doc: "Values more than this below the peak are raised to it; null: no limit")
        db.finish()
        o.features = r.choice("features", default: o.features, doc: "Per-frame features: mfcc, log_mel or mel.")
        o.nMFCC = r.int("n_mfcc", default: o.nMFCC, range: 1...512, doc: "MFCC coefficients.")
        o.lifter = r.double("lifter", default: o.lifter, range: 0...1000, doc: "Cepstral liftering (0: off).")
        o.deltas = r.int("deltas", default: o.deltas, range: 0...2, doc: "Append Δ (1) or Δ and ΔΔ (2).")
        o.deltaWidth = r.int("delta_width", default: o.deltaWidth, range: 3...99, doc: "Frames in the delta window (odd).")
        let pooling = r.stringList("pooling", default: o.pooling.map(\.description), count: 1...32,
                                   doc: "Statistics over time forming the item vector: mean, std, min, max, p0…p100.")
        var stats: [PoolingStatistic] = []
        for name in pooling {
            if let s = PoolingStatistic(name: name) { stats.append(s) } else {
                r.report("pooling", r.node("pooling"), "'\(name)' is not a pooling statistic", hint: "use mean, std, min, max or p0…p100 (e.g. p90)")
            }
        }
        if !stats.isEmpty { o.pooling = stats }
        let common = ModalityCommon.read(r, modality: "audio", dim: 16)
        for problem in o.validate() { r.report("", nil, problem, hint: "see docs/audio.md for the allowed combinations") }
        r.finish()
        return AudioSpec(field: field, options: o, dim: common.dim, onError: common.onError)
    }
}
