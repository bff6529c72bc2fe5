/// One statistic of pooling over time, spelled in YAML as `mean`, `std`, `min`, `max` or `pNN`
/// (a percentile, 0…100, numpy's linear interpolation).
public enum PoolingStatistic: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case mean, std, min, max
    case percentile(Double)

    /// Parses `mean`, `std`, `min`, `max`, `p10`, `p99.5`; nil for anything else.
    public init?(name: String) {
        switch name {
        case "mean": self = .mean
        case "std": self = .std
        case "min": self = .min
        case "max": self = .max
        default:
            guard name.hasPrefix("p"), let q = Double(name.dropFirst()), (0...100).contains(q) else { return nil }
            self = .percentile(q)
        }
    }

    public var description: String {
        switch self {
        case .mean: "mean"
        case .std: "std"
        case .min: "min"
        case .max: "max"
        case .percentile(let q): q == q.rounded() ? "p\(Int(q))" : "p\(q)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let s = PoolingStatistic(name: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown pooling statistic '\(name)'; use mean, std, min, max or p0…p100"))
        }
        self = s
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension AudioOptions {
    enum CodingKeys: String, CodingKey {
        case preset, sampleRate = "sample_rate", channels, offset, duration, maxSeconds = "max_seconds"
        case maxChannels = "max_channels", maxBytes = "max_bytes", resampleQuality = "resample_quality"
        case nFFT = "n_fft", hop, winLength = "win_length", window, framing, center, padMode = "pad_mode"
        case removeDC = "remove_dc", preEmphasis = "pre_emphasis", power
        case nMels = "n_mels", fmin, fmax, melScale = "mel_scale", melNorm = "mel_norm", db
        case features, nMFCC = "n_mfcc", lifter, deltas, deltaWidth = "delta_width", pooling
    }

    /// Starts from the preset's defaults and overrides each key present. An explicit `null` for
    /// `duration`, `max_seconds`, `win_length` or `fmax` means "none".
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(preset: try c.decodeIfPresent(Preset.self, forKey: .preset) ?? .librosa)
        func set<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        func setOptional<T: Decodable>(_ key: CodingKeys, _ value: inout T?) throws {
            if c.contains(key) { value = try c.decodeIfPresent(T.self, forKey: key) }
        }
        try set(.sampleRate, &sampleRate); try set(.channels, &channels); try set(.offset, &offset)
        try setOptional(.duration, &duration); try setOptional(.maxSeconds, &maxSeconds)
        try set(.maxChannels, &maxChannels); try set(.maxBytes, &maxBytes)
        try set(.resampleQuality, &resampleQuality)
        try set(.nFFT, &nFFT); try set(.hop, &hop); try setOptional(.winLength, &winLength)
        try set(.window, &window); try set(.framing, &framing); try set(.center, &center); try set(.padMode, &padMode)
        try set(.removeDC, &removeDC); try set(.preEmphasis, &preEmphasis); try set(.power, &power)
        try set(.nMels, &nMels); try set(.fmin, &fmin); try setOptional(.fmax, &fmax)
        try set(.melScale, &melScale); try set(.melNorm, &melNorm); try set(.db, &db)
        try set(.features, &features); try set(.nMFCC, &nMFCC); try set(.lifter, &lifter)
        try set(.deltas, &deltas); try set(.deltaWidth, &deltaWidth); try set(.pooling, &pooling)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(preset, forKey: .preset); try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(channels, forKey: .channels); try c.encode(offset, forKey: .offset)
        try c.encode(duration, forKey: .duration); try c.encode(maxSeconds, forKey: .maxSeconds)
        try c.encode(maxChannels, forKey: .maxChannels); try c.encode(maxBytes, forKey: .maxBytes)
        try c.encode(resampleQuality, forKey: .resampleQuality)
        try c.encode(nFFT, forKey: .nFFT); try c.encode(hop, forKey: .hop); try c.encode(winLength, forKey: .winLength)
        try c.encode(window, forKey: .window); try c.encode(framing, forKey: .framing); try c.encode(center, forKey: .center); try c.encode(padMode, forKey: .padMode)
        try c.encode(removeDC, forKey: .removeDC); try c.encode(preEmphasis, forKey: .preEmphasis)
        try c.encode(power, forKey: .power); try c.encode(nMels, forKey: .nMels); try c.encode(fmin, forKey: .fmin)
        try c.encode(fmax, forKey: .fmax); try c.encode(melScale, forKey: .melScale); try c.encode(melNorm, forKey: .melNorm)
        try c.encode(db, forKey: .db); try c.encode(features, forKey: .features); try c.encode(nMFCC, forKey: .nMFCC)
        try c.encode(lifter, forKey: .lifter); try c.encode(deltas, forKey: .deltas)
        try c.encode(deltaWidth, forKey: .deltaWidth); try c.encode(pooling, forKey: .pooling)
    }
}
