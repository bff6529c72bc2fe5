import TensorCore

/// The two (users × candidates) matrices of a ranking step, kept from step to step: ⟨w, v⟩, and
/// dL/dlogits turned into dL/d⟨w, v⟩ in place. At 256 users and 7 157 candidates each is 7 MB;
/// allocated afresh every step, each was a new mapping whose page faults cost more than the
/// arithmetic on it (anime, one process: docs/benchmarks.md "Ranking step workspace").
struct RankingWorkspace {
    var dots = Tensor(shape: [0, 0])
    var gradient = Tensor(shape: [0, 0])
}
