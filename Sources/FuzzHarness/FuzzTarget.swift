/// The loaders we fuzz, each as a function from arbitrary bytes to a verdict.
///
/// A loader may accept the bytes or reject them with its own error type; anything else is a
/// finding: a crash (caught by libFuzzer and AddressSanitizer), or a broken invariant, which
/// `check` returns as text and the libFuzzer entry points (`Sources/Fuzz<Name>`) turn into a
/// trap. The tests replay every committed corpus and regression file through `check`
/// (fixtures/fuzz/<name>/, docs/reliability.md).
public enum FuzzTarget: String, CaseIterable, Sendable {
    case png, jpeg, webp, audio, spec, csv
    case jsonLines = "jsonl"

    /// Folder of the target's corpus and regression files under fixtures/fuzz.
    public var name: String { rawValue }

    /// Runs the loader on `bytes`: nil when it behaved (accepted, or rejected with a classified
    /// error), otherwise the invariant it broke.
    public func check(_ bytes: [UInt8]) -> String? {
        switch self {
        case .png: return MediaChecks.image(bytes, signature: MediaChecks.pngSignature)
        case .jpeg: return MediaChecks.image(bytes, signature: MediaChecks.jpegSignature)
        case .webp: return MediaChecks.image(MediaChecks.riffWebP(bytes))
        case .audio: return MediaChecks.audio(bytes)
        case .spec: return SpecChecks.pipelineFile(bytes)
        case .csv: return TableChecks.shared.table(bytes, extension: "csv")
        case .jsonLines: return TableChecks.shared.table(bytes, extension: "jsonl")
        }
    }

    /// The body of `LLVMFuzzerTestOneInput`: traps (a libFuzzer crash) on a broken invariant.
    public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
        let bytes = count == 0 || start == nil ? [] : [UInt8](UnsafeRawBufferPointer(start: start, count: count))
        if let finding = check(bytes) { fatalError("fuzz \(name): \(finding)") }
        return 0
    }
}
