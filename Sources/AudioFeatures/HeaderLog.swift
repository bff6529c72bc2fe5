/// Reads libsndfile's parse log for a header that promises more audio than the file holds.
///
/// libsndfile clamps the frame count of WAV, AIFF, AU and RF64 files to the bytes present and only
/// says so in its log (`data : 16000 (should be 7978)`), so without this check a cut file would be
/// silently shortened. RIFF/FORM container sizes are ignored: writers often leave them wrong.
enum HeaderLog {
    /// Bytes (or frames, for the frame-count lines) the header claims and what is present, when
    /// the claim exceeds what is present by more than `tolerance`.
    static func shortfall(in log: String, tolerance: Int) -> (claimed: Int, present: Int)? {
        for raw in log.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: " \t*")
            if let r = claimVersusActual(line), r.claimed > r.present + tolerance { return r }
        }
        return nil
    }

    /// True when the data chunk's size field is 0 (`data : 0`): a writer that never finalised the
    /// header (an interrupted recording); libsndfile then reads no frames even if samples follow.
    static func declaresNoData(in log: String) -> Bool {
        log.split(separator: "\n").contains { $0.trimmingCharacters(in: " \t") == "data : 0" }
    }

    /// `data : 16000 (should be 7978)`, `SSND : …`, `Data Size : …`, and the frame-count
    /// complaints of AIFF (`COMM`) and RF64 (`ds64`).
    private static func claimVersusActual(_ line: String) -> (claimed: Int, present: Int)? {
        if let colon = line.firstIndex(of: ":"), let open = line.range(of: "(should be ") {
            let label = line[..<colon].trimmingCharacters(in: " ")
            guard ["data", "SSND", "Data Size"].contains(label) else { return nil }
            let claimedText = line[line.index(after: colon)..<open.lowerBound].trimmingCharacters(in: " ")
            let presentText = line[open.upperBound...].prefix { $0.isNumber }
            // 0xFFFFFFFF and 0 are the placeholders of writers that could not seek back.
            guard let claimed = Int(claimedText), let present = Int(presentText),
                  claimed != 0xFFFF_FFFF, claimed != 0 else { return nil }
            return (claimed, present)
        }
        if line.hasPrefix("Calculated frame count "), let of = line.range(of: "chunk of ") {
            let present = Int(line.dropFirst("Calculated frame count ".count).prefix { $0.isNumber })
            let claimed = Int(line[of.upperBound...].prefix { $0.isNumber })
            if let claimed, let present { return (claimed, present) }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        let start = firstIndex { !chars.contains($0) } ?? endIndex
        let end = lastIndex { !chars.contains($0) }.map { index(after: $0) } ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}
