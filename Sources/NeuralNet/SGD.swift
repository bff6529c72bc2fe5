import TensorCore

/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay.
///
/// Dense parameters follow `torch.optim.SGD` (dampening 0) operation for operation:
///   g ← g + λ·θ;   b ← μ·b + g (b starts at 0, so the first step gives b = g, as PyTorch's clone);
///   θ ← θ − η·(g + μ·b) with Nesterov, θ ← θ − η·b otherwise (θ ← θ − η·g when μ = 0).
/// Row-sparse parameters are updated lazily: the same arithmetic on the touched rows only, so the
/// momentum and weight decay of untouched rows pause until the row is used again.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    public let nesterov: Bool
    private var buffers: [Tensor]

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD: learning rate, momentum and weight decay must be ≥ 0")
        precondition(!nesterov || momentum > 0, "SGD: Nesterov momentum needs momentum > 0")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = momentum > 0 ? parameters.map { Tensor(shape: $0.value.shape) } : []
    }

    public func step() {
        let (mu, wd, nesterov) = (momentum, weightDecay, nesterov)
        let negLR = -learningRate
        for (k, p) in parameters.enumerated() where p.hasUpdate {
            p.withValueAndGradient { theta, g in
                let update = { (b: UnsafeMutablePointer<Float>?) in
                    p.forEachUpdatedSpan(inRowOrder: true) { start, length in
                        for i in start..<(start + length) {
                            var d = g[i] + wd * theta[i]
                            if let b {
                                b[i] = b[i] * mu + d
                                d = nesterov ? d + mu * b[i] : b[i]
                            }
                            theta[i] = theta[i] + negLR * d
                        }
                    }
                }
                if mu > 0 {
                    buffers[k].withUnsafeMutableBufferPointer { update($0.baseAddress) }
                } else {
                    update(nil)
                }
            }
        }
    }

    public func state() -> OptimizerState {
        var s = OptimizerState()
        for (k, p) in parameters.enumerated() where momentum > 0 { s.tensors["\(p.name).momentum_buffer"] = buffers[k] }
        return s
    }

    public func restore(_ state: OptimizerState) {
        for (k, p) in parameters.enumerated() where momentum > 0 {
            guard let b = state.tensors["\(p.name).momentum_buffer"], b.shape == p.value.shape
            else { preconditionFailure("SGD.restore: momentum buffer of \(p.name) is missing or has the wrong shape") }
            buffers[k] = b
        }
    }
}
