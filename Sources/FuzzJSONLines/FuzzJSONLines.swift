import FuzzHarness

/// libFuzzer's entry point for FuzzTarget.jsonLines (built and run by scripts/fuzz; docs/reliability.md).
/// A plain `swift build` links this target as an empty program.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    FuzzTarget.jsonLines.fuzz(start, count)
}
