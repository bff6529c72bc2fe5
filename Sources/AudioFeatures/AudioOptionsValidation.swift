extension AudioOptions {
    /// Every problem, each naming its YAML key, the value and what is allowed: first the values
    /// outside their key's range (from `AudioOptions.keys`), then the rules that tie keys together.
    /// Empty when the options are usable.
    public func validate() -> [String] {
        var problems = Self.keys.problems(self)
        func check(_ ok: Bool, _ key: String, _ value: Any, _ range: String) {
            // A key already outside its own range is reported once.
            if !ok, !problems.contains(where: { $0.hasPrefix(key + ":") }) {
                problems.append("\(key): \(value) is out of range; expected \(range)")
            }
        }
        if let winLength { check(winLength <= nFFT, "win_length", winLength, "1…n_fft (\(nFFT))") }
        if framing == .kaldi { check(!center, "center", center, "false with framing: kaldi (Kaldi frames never pad)") }
        check(power == 1 || power == 2, "power", power, "1 (magnitude) or 2 (power)")
        let nyquist = Double(sampleRate) / 2
        check(fmin < effectiveFmax, "fmin", fmin, "0 ≤ fmin < fmax (\(effectiveFmax))")
        if let fmax { check(fmax <= nyquist, "fmax", fmax, "0 < fmax ≤ sample_rate/2 (\(nyquist))") }
        if features == .mfcc { check(nMFCC <= nMels, "n_mfcc", nMFCC, "1…n_mels (\(nMels))") }
        check(deltaWidth % 2 == 1, "delta_width", deltaWidth, "an odd number ≥ 3")
        return problems
    }
}
