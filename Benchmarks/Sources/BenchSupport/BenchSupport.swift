// What every throughput driver needs: command-line integers, CPU clocks and medians.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The integer after `name` on the command line, or `value`.
public func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

/// CPU seconds used by this process (all threads): other jobs on a shared machine do not inflate it.
public func cpuSeconds() -> Double { clockSeconds(CLOCK_PROCESS_CPUTIME_ID) }

/// CPU seconds used by the calling thread.
public func threadCPUSeconds() -> Double { clockSeconds(CLOCK_THREAD_CPUTIME_ID) }

private func clockSeconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The upper median (the middle value of an odd count).
public func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
