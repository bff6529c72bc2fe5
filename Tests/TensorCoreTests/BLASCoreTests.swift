import Testing
import TensorCore

/// Which OpenBLAS kernels the tool asks for when OpenBLAS fell back to Prescott (ProcessSetup).
@Suite struct BLASCoreTests {
    static let emeraldRapids: Set<String> = ["sse3", "ssse3", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd",
                                             "avx512bw", "avx512dq", "avx512vl"]

    @Test func theNewestKernelsTheFlagsRun() {
        #expect(BLAS.betterCore(than: "Prescott", cpuFlags: Self.emeraldRapids) == "SkylakeX")
        #expect(BLAS.betterCore(than: "prescott", cpuFlags: Self.emeraldRapids.subtracting(["avx512bw"])) == "Haswell")
        #expect(BLAS.betterCore(than: "Prescott", cpuFlags: ["sse3", "avx", "avx2"]) == "Sandybridge")  // AVX2 without FMA
        #expect(BLAS.betterCore(than: "Prescott", cpuFlags: ["sse3", "ssse3"]) == nil)
    }

    @Test func aChoiceOtherThanPrescottStands() {
        #expect(BLAS.betterCore(than: "Zen", cpuFlags: Self.emeraldRapids) == nil)
        #expect(BLAS.betterCore(than: "Haswell", cpuFlags: Self.emeraldRapids) == nil)
    }
}
