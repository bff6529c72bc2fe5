import Foundation
import TensorCore

#if canImport(Glibc)
    import CMalloc
    import Glibc
#endif

/// Process-wide settings that must hold before any library initialises.
enum ProcessSetup {
    /// OpenBLAS reads its settings when the library loads, so the process re-executes itself once
    /// with them when the user has not chosen:
    /// - OPENBLAS_NUM_THREADS=1: its worker threads spin even after `openblas_set_num_threads(1)`,
    ///   and the tool parallelises across items instead;
    /// - OPENBLAS_CORETYPE, when OpenBLAS did not know the CPU and took its slowest kernels
    ///   (`BLAS.betterCore`).
    static func blasSettings() {
        var changed = false
        if getenv("OPENBLAS_NUM_THREADS") == nil {
            setenv("OPENBLAS_NUM_THREADS", "1", 1)
            changed = true
        }
        if getenv("OPENBLAS_CORETYPE") == nil, let core = BLAS.betterCore(than: BLAS.coreName, cpuFlags: BLAS.cpuFlags) {
            setenv("OPENBLAS_CORETYPE", core, 1)
            changed = true
        }
        guard changed else { return }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with BLAS as it is.
    }

    /// The crash-safety tests slow the tool down at its kill points (TensorCore's FaultInjection)
    /// through `PIPELINE_FAULT_DELAY_MS`; read here, once, before any thread starts.
    static func faultDelayFromEnvironment() {
        guard let text = ProcessInfo.processInfo.environment["PIPELINE_FAULT_DELAY_MS"], let ms = Double(text), ms > 0 else { return }
        FaultInjection.delayMicroseconds = UInt32(min(ms, 60_000) * 1000)
    }

    /// glibc adapts its malloc thresholds to the program: each time a block it had mapped on its
    /// own is freed, the mmap threshold rises to that block's size (up to 32 MiB) and the heap-trim
    /// threshold to twice it. Once a streamed extraction's first chunk freed its multi-megabyte
    /// matrices, that much freed heap stayed resident and the peak grew with the run (83 MB at
    /// 100 000 items, 64 MB at 10 000). Fixed thresholds turn the adaptation off: blocks of 4 MiB
    /// and more (a chunk's matrices) get mappings of their own, returned when freed; smaller ones
    /// (an item's decode and spectrogram buffers) come from the heap, which keeps at most 8 MiB
    /// free at its top so that they are reused without system calls (docs/benchmarks.md).
    static func returnLargeBuffersToSystem() {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 8 << 20)
        #endif
    }
}
