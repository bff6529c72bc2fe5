import TensorCore

/// The two (users × candidates) matrices of a ranking step, kept from step to step: ⟨w, v⟩, and
/// dL/dlogits turned into dL/d⟨w, v⟩ in place. At 256 users and 7 157 candidates each is 7 MB;
/// allocated afresh every step, they were fresh mappings whenever glibc's adaptive mmap threshold
/// lay below that, and their page faults then cost up to 10 s of a 35 s anime epoch
/// (docs/benchmarks.md, "The ranking step's matrices reused").
struct RankingWorkspace {
    var dots = Tensor(shape: [0, 0])
    var gradient = Tensor(shape: [0, 0])
}
