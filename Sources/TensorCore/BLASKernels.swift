import COpenBLAS
import Foundation

/// Which kernels OpenBLAS runs on this CPU, and better ones where it did not know the CPU
/// (docs/reliability.md, "OpenBLAS's kernels on an unrecognised CPU").
extension BLAS {
    /// The kernels OpenBLAS chose for this CPU when it loaded ("Haswell", "Zen", "Prescott" on a
    /// CPU it does not recognise); `OPENBLAS_CORETYPE` in the environment overrides the choice.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The kernels to ask OpenBLAS for (`OPENBLAS_CORETYPE`) when it fell back to its oldest
    /// x86-64 ones, Prescott (SSE3), on a CPU whose model it does not know but whose `cpuFlags`
    /// run newer ones; nil when it chose anything else or nothing newer runs. The flags are read
    /// only after a fall-back. OpenBLAS 0.3.21 falls back on family 6 model 207 (Emerald Rapids, a
    /// VM's "Intel Xeon Processor"), where its SkylakeX kernels multiply 1024 × 1024 matrices 6×
    /// faster (docs/benchmarks.md).
    public static func betterCore(than chosen: String, cpuFlags: @autoclosure () -> Set<String>) -> String? {
        guard chosen.lowercased() == "prescott" else { return nil }
        let flags = cpuFlags()
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// The first processor's flags in /proc/cpuinfo (empty where there is none).
    public static var cpuFlags: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
