import Foundation
import Testing
import TensorCore
import TestSupport

/// `pipeline` re-executes itself once with OpenBLAS's settings (ProcessSetup.blasSettings): one
/// BLAS thread, and newer kernels than Prescott where OpenBLAS did not know the CPU.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil
                && ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil,
                "OPENBLAS_CORETYPE or OPENBLAS_NUM_THREADS is set, so the tool keeps the user's choice"))
struct BLASSettingsTests {
    /// OPENBLAS_VERBOSE=2 makes OpenBLAS print its kernels as it loads: first its own choice, then
    /// (after the re-execution) the one the tool asked for.
    @Test func theToolTakesTheNewestKernelsTheCPURuns() throws {
        let result = try PipelineProcess.run(["--version"], environment: ["OPENBLAS_VERBOSE": "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let cores = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Core: ") }.map { String($0.dropFirst(6)) }
        try #require(cores.count == 2, "one load, then one after re-executing: \(result.stderr)")
        let flags = BLAS.cpuFlags
        #expect(cores[1] == BLAS.betterCore(than: cores[0], cpuFlags: flags) ?? cores[0], "OpenBLAS chose \(cores[0])")
        if flags.isSuperset(of: ["avx2", "fma"]) { #expect(cores[1] != "Prescott") }
    }
}
