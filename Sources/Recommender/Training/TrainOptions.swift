/// How the fused model is trained (pipeline file section `train`).
public struct TrainOptions: Sendable, Equatable, Codable {
    public enum Optimizer: String, Sendable, Codable, CaseIterable { case adam, sgd }
    public enum Schedule: String, Sendable, Codable, CaseIterable { case constant, step, exponential, cosine }
    public enum StoppingMetric: String, Sendable, Codable, CaseIterable { case rmse, mae, loss }

    public var optimizer: Optimizer = .adam
    public var learningRate: Double = 0.002
    /// L2 penalty on the dense weights (Adam's coupled weight decay).
    public var weightDecay: Double = 0
    /// L2 penalty on the embedding rows a batch touches (per row, per step).
    public var embeddingRegularization: Double = 0.0001
    public var momentum: Double = 0.9
    public var batchSize: Int = 256
    public var epochs: Int = 30
    public var schedule: Schedule = .constant
    /// Step schedule: multiply the rate by `gamma` every `stepEvery` epochs; exponential: every epoch.
    public var gamma: Double = 0.5
    public var stepEvery: Int = 10
    /// Clip the global gradient norm to this value (0 turns clipping off).
    public var clipNorm: Double = 0
    /// Early stopping on the validation split.
    public var stoppingMetric: StoppingMetric = .rmse
    /// Epochs without improvement before stopping (0 turns early stopping off).
    public var patience: Int = 3

    public init() {}
}
