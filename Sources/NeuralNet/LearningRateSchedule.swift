import Foundation

/// Learning rate as a closed-form function of the step (or epoch) index t = 0, 1, 2, ….
///
///   constant:                    η₀
///   stepDecay(every s, γ):       η₀ · γ^⌊t/s⌋                         (torch.optim.lr_scheduler.StepLR)
///   exponential(γ):              η₀ · γᵗ                               (ExponentialLR)
///   cosine(over T, to η_min):    η_min + (η₀ − η_min)(1 + cos(π·t/T))/2 for t ≤ T, then η_min
///                                                                     (CosineAnnealingLR)
/// PyTorch updates the rate recursively; the closed forms agree with it up to rounding. Departure:
/// past T, PyTorch's cosine rises again (it is periodic); ours stays at η_min.
/// Whether t counts batches or epochs is the caller's choice. Computed in Double.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    case stepDecay(every: Int, factor: Double)
    case exponential(factor: Double)
    case cosine(steps: Int, minimum: Double)

    /// The rate at step `t` for base rate `base`.
    public func rate(base: Float, at t: Int) -> Float {
        precondition(t >= 0, "LearningRateSchedule: step index must be ≥ 0, got \(t)")
        let b = Double(base)
        switch self {
        case .constant:
            return base
        case .stepDecay(let every, let factor):
            precondition(every > 0, "stepDecay needs every > 0")
            return Float(b * pow(factor, Double(t / every)))
        case .exponential(let factor):
            return Float(b * pow(factor, Double(t)))
        case .cosine(let steps, let minimum):
            precondition(steps > 0, "cosine needs steps > 0")
            guard t < steps else { return Float(minimum) }
            return Float(minimum + (b - minimum) * (1 + cos(Double.pi * Double(t) / Double(steps))) / 2)
        }
    }
}

/// Lowers the learning rate when a metric has stopped improving (torch.optim.lr_scheduler.ReduceLROnPlateau).
///
/// After each epoch call `record(_:)` with the validation metric. The metric improves when it beats
/// the best so far by a relative margin: m < best·(1 − threshold) when minimising,
/// m > best·(1 + threshold) when maximising. After more than `patience` epochs without improvement
/// the rate becomes max(rate·factor, minimumRate) (unchanged if that lowers it by no more than 1e-8),
/// then `cooldown` epochs pass before bad epochs count again. Same rules and defaults as PyTorch
/// (threshold_mode "rel"). The state is public so a checkpoint can save and restore it.
public struct PlateauReducer: Sendable, Equatable {
    public enum Mode: String, Sendable { case minimize, maximize }

    public let mode: Mode
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let cooldown: Int
    public let minimumRate: Double
    /// The current learning rate.
    public var rate: Float
    /// Best metric so far (±∞ before the first record).
    public var best: Double
    /// Epochs since the last improvement (reset by a reduction and during cooldown).
    public var badEpochs = 0
    /// Epochs of cooldown left.
    public var cooldownLeft = 0

    public init(rate: Float, mode: Mode = .minimize, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, cooldown: Int = 0, minimumRate: Double = 0) {
        precondition(factor > 0 && factor < 1, "PlateauReducer: factor must be in (0, 1), got \(factor)")
        precondition(patience >= 0 && cooldown >= 0, "PlateauReducer: patience and cooldown must be ≥ 0")
        self.rate = rate
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minimumRate = minimumRate
        best = mode == .minimize ? .infinity : -.infinity
    }

    /// Records one epoch's metric and returns the (possibly lowered) rate.
    @discardableResult
    public mutating func record(_ metric: Double) -> Float {
        let improved = mode == .minimize ? metric < best * (1 - threshold) : metric > best * (1 + threshold)
        if improved {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let old = Double(rate)
            let new = max(old * factor, minimumRate)
            if old - new > 1e-8 { rate = Float(new) }
            cooldownLeft = cooldown
            badEpochs = 0
        }
        return rate
    }
}
