import Foundation

/// A deliberate slowdown for crash-safety tests: while `delayMicroseconds` is above zero, every
/// `pause()` sleeps that long. Pauses sit at the points where a kill is most interesting (between
/// writing a temporary file and renaming it, between training batches, between extracted items),
/// so a test that sends SIGKILL at random times lands inside them. At zero a pause costs one
/// branch. The command-line tool sets it from `PIPELINE_FAULT_DELAY_MS` once, before any work
/// starts; the library never reads the environment itself.
public enum FaultInjection {
    public nonisolated(unsafe) static var delayMicroseconds: UInt32 = 0

    @inline(__always)
    public static func pause() {
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
    }
}
