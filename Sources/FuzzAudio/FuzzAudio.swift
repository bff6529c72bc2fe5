import FuzzHarness

/// libFuzzer's entry point for FuzzTarget.audio (built and run by scripts/fuzz; docs/reliability.md).
/// A plain `swift build` links this target as an empty program.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudio(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    FuzzTarget.audio.fuzz(start, count)
}
