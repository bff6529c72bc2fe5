/// Why one item's media or text could not be turned into features.
///
/// Shared by every extractor so that `errors.jsonl`, the run summary and `pipeline probe` speak
/// one vocabulary. The raw values are the names users see.
public enum FailureClass: String, Sendable, Codable, CaseIterable, Comparable {
    /// The file does not exist (or the field is empty).
    case missing
    /// The file exists but holds no bytes, or decodes to nothing (zero frames, no text).
    case empty
    /// The data ends before the format says it should.
    case truncated
    /// The bytes contradict the format (bad CRC, bad markers, impossible values).
    case corrupt
    /// A valid file of a kind or variant this tool does not read.
    case unsupported
    /// Bigger than a configured limit (pixels, bytes, channels, tokens).
    case tooLarge = "too_large"
    /// Longer than the configured duration limit.
    case tooLong = "too_long"

    public static func < (a: FailureClass, b: FailureClass) -> Bool { a.rawValue < b.rawValue }
}
