import NeuralNet
import TensorCore
import TestSupport

/// Decoded fixtures of scripts/golden/neuralnet.py (PyTorch forward/backward values, optimizer
/// trajectories, schedules and the fusion-model training run).
enum Golden {
    struct LinearCase: Decodable { let n, `in`, out: Int; let x, w, b, dy, y, dx, dw, db: [Float] }
    struct EmbeddingCase: Decodable { let count, dim: Int; let table: [Float]; let ids: [Int]; let dy, y, dtable: [Float] }
    struct BagResult: Decodable { let y, dtable: [Float] }
    struct EmbeddingBagCase: Decodable {
        let count, dim: Int; let table: [Float]; let offsets, indices: [Int]; let weights, dy: [Float]
        let modes: [String: BagResult]
    }
    struct ReLUCase: Decodable { let shape: [Int]; let x, dy, y, dx: [Float] }
    struct ConcatCase: Decodable { let n: Int; let widths: [Int]; let parts: [[Float]]; let dy, y: [Float]; let dparts: [[Float]] }
    struct SequentialCase: Decodable {
        let n, `in`, hidden, out: Int
        let x, w1, b1, w2, b2, dy, y, dx, dw1, db1, dw2, db2: [Float]
    }
    struct LossCase: Decodable { let predictions, targets: [Float]; let weights: [Float]?; let loss: Float; let gradient: [Float] }
    struct Layers: Decodable {
        let linear: LinearCase; let embedding: EmbeddingCase; let embedding_bag: EmbeddingBagCase
        let relu: ReLUCase; let concat: ConcatCase; let sequential: SequentialCase; let losses: [String: LossCase]
    }

    struct DenseRuns: Decodable { let shape: [Int]; let initial: [Float]; let grads: [[Float]]; let runs: [String: [[Float]]] }
    struct SparseStep: Decodable { let rows: [Int]; let contributions: [Float] }
    struct SparseAdamRun: Decodable {
        let shape: [Int]; let initial: [Float]; let lr: Float; let betas: [Float]; let eps: Float
        let steps: [SparseStep]; let values: [[Float]]
    }
    struct ClipCase: Decodable { let max_norm, total_norm: Float; let grads: [[Float]] }
    struct Clip: Decodable { let grads: [[Float]]; let cases: [String: ClipCase] }
    struct Schedules: Decodable {
        struct Step: Decodable { let every: Int; let factor: Double; let rates: [Double] }
        struct Exponential: Decodable { let factor: Double; let rates: [Double] }
        struct Cosine: Decodable { let steps: Int; let minimum: Double; let rates: [Double] }
        struct Plateau: Decodable {
            let factor: Double; let patience: Int; let threshold: Double; let cooldown: Int; let minimum: Double
            let metrics, rates: [Double]
        }
        let base: Float; let step: Step; let exponential: Exponential; let cosine: Cosine; let plateau: Plateau
    }
    struct Optimizers: Decodable { let dense: DenseRuns; let sparse_adam: SparseAdamRun; let clip: Clip; let schedules: Schedules }

    struct FusionConfig: Decodable { let users, items, vocab, dim, dense, hidden, batch, steps: Int }
    struct FusionBatch: Decodable {
        let users, items, offsets, tokens: [Int]; let token_weights, dense, ratings: [Float]
    }
    struct FusionRun: Decodable { let lr: Float; let losses: [Float]; let parameters: [[String: [Float]]] }
    struct Fusion: Decodable {
        let config: FusionConfig; let initial: [String: [Float]]; let batches: [FusionBatch]
        let adam: FusionRun; let sgd: FusionRun
    }

    static func layers() throws -> Layers { try Repository.golden("neuralnet/layers.json") }
    static func optimizers() throws -> Optimizers { try Repository.golden("neuralnet/optimizers.json") }
    static func fusion() throws -> Fusion { try Repository.golden("neuralnet/fusion.json") }
}

/// Float values as Double, for the references.
func doubles(_ v: [Float]) -> [Double] { v.map(Double.init) }
func doubles(_ t: Tensor) -> [Double] { t.storage.map(Double.init) }
func floats(_ v: [Double]) -> [Float] { v.map(Float.init) }

/// `count` standard-normal Doubles from `rng`.
func normals(_ count: Int, _ rng: inout SeededGenerator) -> [Double] {
    (0..<count).map { _ in Double(rng.nextNormal()) }
}
