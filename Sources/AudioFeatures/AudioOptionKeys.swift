import TensorCore

/// The keys of `features.audio`, once: YAML reading, JSON coding, range checks and the reference
/// all walk this table (docs/audio.md has the full story of each key). Reading starts from the
/// preset's defaults and overrides each key present; in JSON an explicit `null` for `duration`,
/// `max_seconds`, `win_length`, `fmax` or `db.top_db` means "none", and encoding writes it.
extension AudioOptions: KeyedOptions {
    public static let keys = OptionTable<AudioOptions>(writesNull: true, [
        .choice("preset", \.preset, doc: "librosa (librosa's defaults) or kaldi (Kaldi-style fbank: 25 ms / 10 ms, povey window, pre-emphasis 0.97); the keys below override it.",
                then: { $0 = AudioOptions(preset: $0.preset) }),
        .int("sample_rate", \.sampleRate, range: 1000...384_000, doc: "Rate every clip is resampled to (Hz)."),
        .choice("channels", \.channels, doc: "mono (mean of the channels), first, or keep (pool over channels and time)."),
        .double("offset", \.offset, range: 0...1e9, doc: "Seconds skipped at the start of each clip."),
        .optionalDouble("duration", \.duration, range: 0.001...1e9, doc: "Seconds read after the offset; null: to the end"),
        .optionalDouble("max_seconds", \.maxSeconds, range: 0.001...1e9, doc: "Longer windows are rejected as too_long, checked from the header before reading"),
        .int("max_channels", \.maxChannels, range: 1...1024, doc: "Files with more channels are rejected as too_large."),
        .int("max_bytes", \.maxBytes, range: 1...Int.max, doc: "Larger files are rejected as too_large before reading."),
        .choice("resample_quality", \.resampleQuality, doc: "soxr quality recipe."),
        .int("n_fft", \.nFFT, range: 16...65_536, doc: "FFT size (samples)."),
        .int("hop", \.hop, range: 1...65_536, doc: "Samples between frames."),
        .optionalInt("win_length", \.winLength, range: 1...65_536, doc: "Window length (samples); null: n_fft."),
        .choice("window", \.window, doc: "Window function."),
        .choice("framing", \.framing, doc: "librosa framing, or kaldi (frames fully inside the signal)."),
        .bool("center", \.center, doc: "Pad the signal so frames are centred on their times (librosa's center)."),
        .choice("pad_mode", \.padMode, doc: "Padding used with center."),
        .bool("remove_dc", \.removeDC, doc: "Subtract each frame's mean (Kaldi)."),
        .double("pre_emphasis", \.preEmphasis, range: 0...0.999, doc: "Pre-emphasis coefficient (0: off)."),
        .double("power", \.power, range: 1...2, doc: "1: magnitude spectrogram, 2: power spectrogram."),
        .int("n_mels", \.nMels, range: 1...512, doc: "Mel bands."),
        .double("fmin", \.fmin, range: 0...192_000, doc: "Lowest mel frequency (Hz)."),
        .optionalDouble("fmax", \.fmax, range: 1...192_000, doc: "Highest mel frequency (Hz); null: sample_rate / 2"),
        .choice("mel_scale", \.melScale, doc: "Mel scale formula."),
        .choice("mel_norm", \.melNorm, doc: "slaney: each band has unit area; none."),
        .section("db", \.db, Decibels.keys, doc: "power_to_db settings."),
        .choice("features", \.features, doc: "Per-frame features: mfcc, log_mel or mel."),
        .int("n_mfcc", \.nMFCC, range: 1...512, doc: "MFCC coefficients."),
        .choice("mfcc_norm", \.mfccNorm, doc: "DCT scaling of the MFCCs: ortho (librosa's norm='ortho'), or none (scipy's unnormalised DCT-II, 2·Σ)."),
        .double("lifter", \.lifter, range: 0...1000, doc: "Cepstral liftering (0: off)."),
        .int("deltas", \.deltas, range: 0...2, doc: "Append Δ (1) or Δ and ΔΔ (2)."),
        .int("delta_width", \.deltaWidth, range: 3...99, doc: "Frames in the delta window (odd)."),
        .stringList("pooling", \.poolingNames, count: 1...32,
                    doc: "Statistics over time forming the item vector: mean, std, min, max, p0…p100.",
                    check: { names in
                        names.filter { PoolingStatistic(name: $0) == nil }.map {
                            OptionProblem("'\($0)' is not a pooling statistic", hint: "use mean, std, min, max or p0…p100 (e.g. p90)")
                        }
                    }),
    ])

    /// `pooling` as spelled in YAML and JSON; names that are not statistics are dropped (the
    /// table's check reports them first).
    var poolingNames: [String] {
        get { pooling.map(\.description) }
        set { pooling = newValue.compactMap(PoolingStatistic.init(name:)) }
    }
}

extension AudioOptions.Decibels: KeyedOptions {
    public static let keys = OptionTable<Self>(writesNull: true, [
        .double("ref", \.ref, range: 1e-30...1e30, doc: "Reference power (0 dB)."),
        .double("amin", \.amin, range: 1e-30...1, doc: "Floor of the power before the logarithm."),
        .optionalDouble("top_db", \.topDB, range: 0.001...1000, doc: "Values more than this below the peak are raised to it; null: no limit"),
    ])
}
