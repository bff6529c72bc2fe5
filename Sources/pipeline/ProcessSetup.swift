import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide settings that must hold before any library initialises.
enum ProcessSetup {
    /// OpenBLAS starts its worker threads when the library loads, and they spin even after
    /// `openblas_set_num_threads(1)`. The tool parallelises across items instead, so when the
    /// user has not chosen, the process re-executes itself once with OPENBLAS_NUM_THREADS=1.
    static func singleThreadedBLAS() {
        guard getenv("OPENBLAS_NUM_THREADS") == nil else { return }
        setenv("OPENBLAS_NUM_THREADS", "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with BLAS as it is.
    }
}
