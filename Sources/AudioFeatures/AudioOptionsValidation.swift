extension AudioOptions {
    /// Every out-of-range setting, each naming its YAML key, the value and the valid range.
    /// Empty when the options are usable.
    public func validate() -> [String] {
        var problems: [String] = []
        func check(_ ok: Bool, _ key: String, _ value: Any, _ range: String) {
            if !ok { problems.append("\(key): \(value) is out of range; expected \(range)") }
        }
        check((1000...384_000).contains(sampleRate), "sample_rate", sampleRate, "1000…384000 Hz")
        check(offset >= 0 && offset.isFinite, "offset", offset, "≥ 0 seconds")
        if let duration { check(duration > 0 && duration.isFinite, "duration", duration, "> 0 seconds, or null") }
        if let maxSeconds { check(maxSeconds > 0, "max_seconds", maxSeconds, "> 0 seconds, or null for no limit") }
        check((1...1024).contains(maxChannels), "max_channels", maxChannels, "1…1024")
        check(maxBytes >= 1, "max_bytes", maxBytes, "≥ 1")
        check((16...65536).contains(nFFT), "n_fft", nFFT, "16…65536")
        check(hop >= 1, "hop", hop, "≥ 1 sample")
        if let winLength { check((1...nFFT).contains(winLength), "win_length", winLength, "1…n_fft (\(nFFT))") }
        if framing == .kaldi { check(!center, "center", center, "false with framing: kaldi (Kaldi frames never pad)") }
        check((0..<1).contains(preEmphasis), "pre_emphasis", preEmphasis, "0 ≤ c < 1")
        check(power == 1 || power == 2, "power", power, "1 (magnitude) or 2 (power)")
        check((1...512).contains(nMels), "n_mels", nMels, "1…512")
        let nyquist = Double(sampleRate) / 2
        check(fmin >= 0 && fmin < effectiveFmax, "fmin", fmin, "0 ≤ fmin < fmax (\(effectiveFmax))")
        if let fmax { check(fmax > 0 && fmax <= nyquist, "fmax", fmax, "0 < fmax ≤ sample_rate/2 (\(nyquist))") }
        check(db.ref > 0, "db.ref", db.ref, "> 0")
        check(db.amin > 0, "db.amin", db.amin, "> 0")
        if let top = db.topDB { check(top > 0, "db.top_db", top, "> 0, or null") }
        if features == .mfcc { check((1...nMels).contains(nMFCC), "n_mfcc", nMFCC, "1…n_mels (\(nMels))") }
        check(lifter >= 0, "lifter", lifter, "≥ 0 (0 = off)")
        check((0...2).contains(deltas), "deltas", deltas, "0, 1 or 2")
        check(deltaWidth >= 3 && deltaWidth % 2 == 1, "delta_width", deltaWidth, "an odd number ≥ 3")
        check(!pooling.isEmpty, "pooling", pooling, "at least one statistic (mean, std, min, max, p0…p100)")
        return problems
    }
}
