import Foundation

/// A deliberate slowdown for crash-safety tests: when `PIPELINE_FAULT_DELAY_MS` is set, every
/// `pause()` sleeps that long. Pauses sit at the points where a kill is most interesting (between
/// writing a temporary file and renaming it, between training batches, between extracted items),
/// so a test that sends SIGKILL at random times lands inside them. Unset, a pause costs one
/// branch.
public enum FaultInjection {
    public static let delayMicroseconds: UInt32 = {
        guard let text = ProcessInfo.processInfo.environment["PIPELINE_FAULT_DELAY_MS"], let ms = Double(text), ms > 0 else {
            return 0
        }
        return UInt32(ms * 1000)
    }()

    @inline(__always)
    public static func pause() {
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
    }
}
