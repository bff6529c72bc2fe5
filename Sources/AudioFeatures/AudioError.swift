import TensorCore

/// Why one audio file could not be decoded, with its `FailureClass`.
///
/// `message` names the file, says what is wrong in the decoder's own words where it has them, and
/// ends with a hint: `clips/a.wav: what is wrong (hint: what to do)`, the project's one spelling.
/// Produced by `AudioDecoder`, `AudioFeatureExtractor` and `AudioProbe`.
public struct AudioError: ClassifiedError, Equatable {
    /// The file (or in-memory name) the error is about.
    public let path: String
    public let failureClass: FailureClass
    public let message: String

    public init(path: String, _ failureClass: FailureClass, _ what: String, hint: String) {
        self.path = path
        self.failureClass = failureClass
        message = "\(path): \(what) (hint: \(hint))"
    }
}
