import TensorCore

/// Inverted dropout: in training, each element is kept with probability 1 − p and scaled by
/// 1 / (1 − p), otherwise zeroed; in evaluation (`infer`) it is the identity.
///
/// Shapes: any → same shape. `y = x · m` with m ∈ {0, 1/(1 − p)}; backward: dX = dY · m with the
/// mask of the last forward. Same semantics as `torch.nn.Dropout(p)` (p = 1 zeroes everything);
/// the random stream is ours, so masks are not PyTorch's.
///
/// Determinism and resuming: the mask of the t-th training batch (t = `batchesSeen`, counting from
/// 0) is drawn from `SeededGenerator(seed: seed ^ mix(t))`, so it depends only on the seed and t.
/// Save `batchesSeen` in a checkpoint and restore it to continue with the same masks.
///
/// Part of a batch: when the input (rows, features) holds rows `firstRow…` of a larger batch (a
/// member of a data-parallel group trains on its part), the mask is the whole batch's mask cut to
/// those rows, so N parts are masked exactly as the whole batch is.
public final class Dropout: Layer {
    public let p: Float
    public let seed: UInt64
    /// Training batches drawn so far (the t of the next mask).
    public var batchesSeen: Int = 0
    /// The input's first row within the whole batch (0: the input is the whole batch).
    public var firstRow: Int = 0
    private var mask: [Float] = []

    public init(p: Float, seed: UInt64) {
        precondition(p >= 0 && p <= 1, "Dropout probability must be in [0, 1], got \(p)")
        self.p = p
        self.seed = seed
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor) -> Tensor {
        let width = input.shape.count > 1 ? input.count / max(input.shape[0], 1) : 1
        drawMask(count: input.count, from: firstRow * width)
        var out = input
        applyMask(to: &out)
        return out
    }

    public func frozen() -> Frozen { Frozen() }

    /// Dropout in evaluation mode: the identity.
    public struct Frozen: FrozenLayer {
        public init() {}
        public func infer(_ input: Tensor) -> Tensor { input }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.count == mask.count, "Dropout.backward: gradOutput \(gradOutput.shape) does not match the last forward (\(mask.count) elements)")
        var gradInput = gradOutput
        applyMask(to: &gradInput)
        return gradInput
    }

    /// The scale factors of the last forward (0 or 1/(1 − p)), for tests.
    public var lastMask: [Float] { mask }

    /// Elements `offset..<offset + count` of the batch's mask.
    private func drawMask(count: Int, from offset: Int) {
        var rng = SeededGenerator(seed: seed ^ Dropout.mix(UInt64(batchesSeen)))
        batchesSeen += 1
        if mask.count != count { mask = [Float](repeating: 0, count: count) }
        // Keep when a 32-bit uniform u satisfies u < (1 − p)·2³²; two draws per 64-bit number.
        let keepBelow = UInt64((Double(1 - p) * 0x1p32).rounded(.down))
        let scale: Float = p < 1 ? 1 / (1 - p) : 0
        // Element i of the batch's mask is half i % 2 of draw i / 2: skip the draws before the part.
        var i = offset - offset % 2
        for _ in 0..<(i / 2) { _ = rng.next() }
        let end = offset + count
        mask.withUnsafeMutableBufferPointer { m in
            while i < end {
                let bits = rng.next()
                if i >= offset { m[i - offset] = bits & 0xFFFF_FFFF < keepBelow ? scale : 0 }
                if i + 1 < end { m[i + 1 - offset] = bits >> 32 < keepBelow ? scale : 0 }
                i += 2
            }
        }
    }

    private func applyMask(to t: inout Tensor) {
        mask.withUnsafeBufferPointer { m in
            t.withUnsafeMutableBufferPointer { x in
                for i in 0..<x.count { x[i] *= m[i] }
            }
        }
    }

    /// SplitMix64's finaliser: spreads consecutive counters over the whole 64-bit seed space, so the
    /// per-batch generators do not share state sequences.
    static func mix(_ t: UInt64) -> UInt64 {
        var z = t &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Dropout {
    /// Naive reference in Double for a given mask of scale factors.
    public enum Reference {
        public static func forward(x: [Double], mask: [Double]) -> [Double] { zip(x, mask).map { $0 * $1 } }
        public static func backward(dy: [Double], mask: [Double]) -> [Double] { zip(dy, mask).map { $0 * $1 } }
    }
}
