import TensorCore

/// Every knob of the audio extractor, with librosa's defaults unless a preset says otherwise.
///
/// Mirrors `features.audio` in the pipeline YAML (its keys are listed once, in `AudioOptions.keys`).
/// Decoding starts from the named `preset` and overrides only the keys present, so
/// `{preset: kaldi, n_mels: 40}` is the Kaldi fbank with 40 bins (in JSON too). Ranges are checked
/// by `validate()`, which lists every problem at once.
public struct AudioOptions: Sendable, Equatable {
    /// A named bundle of defaults. `librosa`: `librosa.load` + `melspectrogram` + `mfcc` defaults.
    /// `kaldi`: Kaldi-style log fbank (16 kHz, 25 ms / 10 ms, povey window, pre-emphasis 0.97).
    public enum Preset: String, Sendable, Codable, CaseIterable, OptionChoice { case librosa, kaldi }

    /// What to do with several channels. `mono`: mean of the channels (librosa's `to_mono`);
    /// `first`: channel 0 only; `keep`: features per channel, pooled jointly over channels and time.
    public enum ChannelPolicy: String, Sendable, Codable, CaseIterable, OptionChoice { case mono, first, keep }

    /// Analysis window (periodic, as `scipy.signal.get_window(..., fftbins=True)`; povey as Kaldi).
    public enum WindowKind: String, Sendable, Codable, CaseIterable, OptionChoice { case hann, hamming, povey, rectangular }

    /// Where frames sit. `librosa`: frames of n_fft samples with the window centred in them, `center`
    /// pads n_fft/2 at each end. `kaldi`: frames of win_length samples starting at t·hop, kept only
    /// when wholly inside the signal (Kaldi's `snip_edges`), zero-padded at the end to n_fft.
    public enum Framing: String, Sendable, Codable, CaseIterable, OptionChoice { case librosa, kaldi }

    /// Padding of the signal ends when `center` is on (numpy.pad modes).
    public enum PadMode: String, Sendable, Codable, CaseIterable, OptionChoice { case constant, reflect, edge }

    /// Hz↔mel formula and triangle shape. `slaney`/`htk` as `librosa.filters.mel(htk:)`;
    /// `kaldi`: HTK formula with triangles drawn in the mel domain, as Kaldi's `MelBanks`.
    public enum MelScale: String, Sendable, Codable, CaseIterable, OptionChoice { case slaney, htk, kaldi }

    /// Filter normalisation: `slaney` divides each triangle by its width in Hz (equal area).
    public enum MelNorm: String, Sendable, Codable, CaseIterable, OptionChoice { case slaney, none }

    /// The per-frame representation that is pooled: MFCC, power_to_db(mel), or the mel power itself.
    public enum Representation: String, Sendable, Codable, CaseIterable, OptionChoice {
        case mfcc, logMel = "log_mel", mel
    }

    /// Scaling of the MFCCs' DCT-II, as `librosa.feature.mfcc(norm:)`: `ortho` (orthonormal, the
    /// default) or `none` (`scipy.fft.dct(norm=None)`: 2·Σ, no per-coefficient scale).
    public enum MFCCNorm: String, Sendable, Codable, CaseIterable, OptionChoice { case ortho, none }

    /// libsoxr quality recipe; `hq` is librosa's default (`res_type="soxr_hq"`).
    public enum ResampleQuality: String, Sendable, Codable, CaseIterable, OptionChoice { case qq, lq, mq, hq, vhq }

    /// power_to_db settings: `10·log10(max(amin, S)) − 10·log10(max(amin, ref))`, then clipped to
    /// `max − top_db` over the whole item when `top_db` is set.
    public struct Decibels: Sendable, Equatable {
        /// Reference power (> 0). Default 1.0.
        public var ref: Double = 1
        /// Floor on power before the logarithm (> 0). Default 1e-10.
        public var amin: Double = 1e-10
        /// Dynamic range kept below the item's maximum, in dB (> 0), or nil for no clipping. Default 80.
        public var topDB: Double? = 80

        public init(ref: Double, amin: Double, topDB: Double?) {
            self.ref = ref; self.amin = amin; self.topDB = topDB
        }

        /// Every key at its default.
        public init() {}
    }

    public var preset: Preset = .librosa
    // MARK: Decoding
    /// Rate every item is resampled to, in Hz (1000…384000). librosa 22050, kaldi 16000.
    public var sampleRate: Int = 22050
    /// Channel policy. Default `mono`.
    public var channels: ChannelPolicy = .mono
    /// Seconds skipped at the start (≥ 0), as `librosa.load(offset:)`. Default 0.
    public var offset: Double = 0
    /// Seconds read after `offset` (> 0), or nil for the rest of the file. Default nil.
    public var duration: Double?
    /// Longest audio accepted, in seconds of the window to read (> 0), or nil for no limit. Checked
    /// from the header before any sample is read. Default 600.
    public var maxSeconds: Double? = 600
    /// Most channels accepted (1…1024, libsndfile's own limit). Default 64.
    public var maxChannels: Int = 64
    /// Largest file accepted, in bytes (≥ 1). Default 1 GiB.
    public var maxBytes: Int = 1 << 30
    /// Resampler quality. Default `hq`.
    public var resampleQuality: ResampleQuality = .hq
    // MARK: Framing and spectrum
    /// FFT size in samples (16…65536). librosa 2048; kaldi 512.
    public var nFFT: Int = 2048
    /// Hop between frames in samples (≥ 1). librosa 512; kaldi 160 (10 ms).
    public var hop: Int = 512
    /// Window length in samples (1…n_fft), zero-padded to n_fft on both sides; nil means n_fft.
    public var winLength: Int?
    /// Window shape. librosa `hann`; kaldi `povey`.
    public var window: WindowKind = .hann
    /// Frame layout. librosa `librosa`; kaldi `kaldi`.
    public var framing: Framing = .librosa
    /// Pad n_fft/2 samples at both ends so frame t is centred at t·hop. librosa true; kaldi false.
    public var center: Bool = true
    /// How `center` pads. Default `constant` (zeros), librosa's default since 0.10.
    public var padMode: PadMode = .constant
    /// Remove each frame's mean before the window (Kaldi `remove_dc_offset`). Default false.
    public var removeDC: Bool = false
    /// Per-frame pre-emphasis coefficient (0 ≤ c < 1; 0 = off). kaldi 0.97.
    public var preEmphasis: Double = 0
    /// 1 = magnitude, 2 = power spectrogram. Default 2.
    public var power: Double = 2
    // MARK: Mel and cepstrum
    /// Number of mel bands (1…512). librosa 128; kaldi 80.
    public var nMels: Int = 128
    /// Lowest filter edge in Hz (≥ 0). librosa 0; kaldi 20.
    public var fmin: Double = 0
    /// Highest filter edge in Hz (≤ sample_rate/2), nil for sample_rate/2.
    public var fmax: Double?
    /// Mel formula and triangle shape. librosa `slaney`; kaldi `kaldi`.
    public var melScale: MelScale = .slaney
    /// Filter normalisation. librosa `slaney`; kaldi `none`.
    public var melNorm: MelNorm = .slaney
    /// power_to_db settings. kaldi: amin = FLT_EPSILON, no top_db (so dB = 10/ln 10 · Kaldi's log fbank).
    public var db = Decibels()
    /// What is pooled. librosa `mfcc`; kaldi `log_mel`.
    public var features: Representation = .mfcc
    /// Number of cepstral coefficients (1…n_mels). Default 20.
    public var nMFCC: Int = 20
    /// DCT scaling of the cepstrum. Default `ortho`.
    public var mfccNorm: MFCCNorm = .ortho
    /// Cepstral lifter L (≥ 0; 0 = off): c_n · (1 + L/2 · sin(π(n+1)/L)), as librosa. Default 0.
    public var lifter: Double = 0
    /// Delta order appended to the features (0…2): 1 adds Δ, 2 adds Δ and ΔΔ. Default 0.
    public var deltas: Int = 0
    /// Savitzky–Golay window of the deltas in frames (odd, ≥ 3), as `librosa.feature.delta(width:)`. Default 9.
    public var deltaWidth: Int = 9
    // MARK: Pooling
    /// Statistics over time, concatenated in this order. Default [mean, std].
    public var pooling: [PoolingStatistic] = [.mean, .std]

    /// librosa defaults.
    public init() {}

    /// The defaults of `preset`.
    public init(preset: Preset) {
        self.init()
        self.preset = preset
        guard preset == .kaldi else { return }
        sampleRate = 16000
        nFFT = 512; winLength = 400; hop = 160
        framing = .kaldi; window = .povey; center = false; removeDC = true; preEmphasis = 0.97
        nMels = 80; fmin = 20; melScale = .kaldi; melNorm = .none
        db = Decibels(ref: 1, amin: Double(Float.ulpOfOne), topDB: nil)
        features = .logMel
    }

    /// Window length actually used (`win_length ?? n_fft`).
    public var effectiveWinLength: Int { winLength ?? nFFT }
    /// Upper mel edge actually used (`fmax ?? sample_rate / 2`).
    public var effectiveFmax: Double { fmax ?? Double(sampleRate) / 2 }
    /// Frequency bins of one spectrum frame: n_fft/2 + 1.
    public var frequencyBins: Int { nFFT / 2 + 1 }

    /// Width of one frame's feature vector, deltas included.
    public var frameFeatureDimension: Int {
        (features == .mfcc ? nMFCC : nMels) * (1 + deltas)
    }

    /// Length of the pooled item vector: one block of `frameFeatureDimension` per statistic.
    /// Known before any file is read.
    public var outputDimension: Int { pooling.count * frameFeatureDimension }
}
