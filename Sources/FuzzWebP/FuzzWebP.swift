import FuzzHarness

/// libFuzzer's entry point for FuzzTarget.webp (built and run by scripts/fuzz; docs/reliability.md).
/// A plain `swift build` links this target as an empty program.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebP(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    FuzzTarget.webp.fuzz(start, count)
}
