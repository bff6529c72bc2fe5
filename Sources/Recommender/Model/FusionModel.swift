import NeuralNet
import TensorCore

/// The fused rating model: an item tower over the items' content, a user tower over the users'
/// behaviour, and a head that combines them into a rating.
///
///   item tower   x_i = [enc₁(i) or missing₁, mask₁, …, item fields(i), e_item(i)]
///                v_i = W_c·x_i + b_c                              (item_dim; the exported item vector)
///   user tower   x_u = [e_user(u), mean_{j∈H(u)} h_j, stats(u), user fields(u)]
///                w_u = W_u·x_u + b_u                              (item_dim)
///   rating       r̂ = μ + bias_u + bias_i + ⟨w_u, v_i⟩ + MLP([w_u, v_i, w_u ⊙ v_i])
///
/// enc_k are the modality encoders (text bag, image conv stack, audio projection); an item without
/// modality k gets the learned vector missing_k and mask bit 1. H(u) is the user's train history
/// (the target item left out during training, so training sees what evaluation sees); h_j are
/// learned history vectors (SVD++'s implicit feedback). Users and items without train ratings use
/// the last ("unknown") row of their id embeddings and biases, so cold items are scored from
/// content and cold users from the item side. In training, ids and modalities are hidden at random
/// (`ModelOptions` dropouts) so those paths are trained too.
public final class FusionModel {
    public let options: ModelOptions
    public let behavior: UserBehavior
    public let userCount: Int
    public let itemCount: Int
    /// Mean train target (after normalisation).
    public let globalMean: Float
    public let itemEncoders: [any FeatureEncoder]
    /// Whether each item encoder is a modality (it can be missing and masked) or tabular fields.
    public let isModality: [Bool]
    public let userEncoder: (any FeatureEncoder)?
    let frozen: Bool
    let missing: [Parameter?]
    let userEmbedding: Embedding?
    let userBias: Embedding
    let itemIdEmbedding: Embedding?
    let itemBias: Embedding
    let history: EmbeddingBag?
    /// Ranking objective: s_ui = scale · ⟨w_u, v_i⟩ + c_i (`FusionModel+Ranking`).
    let rankingBias: Embedding
    let rankingScale: Parameter
    /// The ranking objective's own towers (`ModelOptions.rankingTowers: separate`).
    let rankingItemTower: Linear?
    let rankingUserTower: Linear?
    let itemTower: Linear
    let userTower: Linear
    let head: Sequential
    let dropouts: [Dropout]
    /// Modalities left out (their missing vector used) for items without train ratings, chosen on
    /// the validation split's cold items after training (`Trainer.selectColdItemContent`): content
    /// that only memorised its items (title words seen once) must not hurt items nobody rated.
    public var coldItemMasked: Set<String> = []
    /// Frozen encoders' outputs for every item, computed once.
    var frozenOutputs: [Int: Tensor] = [:]
    var pending: StepCache?
    var rankingWorkspace = RankingWorkspace()

    public var dimension: Int { options.itemDim }

    public init(options: ModelOptions, behavior: UserBehavior, globalMean: Float,
                itemEncoders: [any FeatureEncoder], isModality: [Bool], userEncoder: (any FeatureEncoder)?, seed: UInt64) {
        precondition(itemEncoders.count == isModality.count, "FusionModel: one isModality flag per item encoder")
        var rng = SeededGenerator(seed: seed, stream: "fusion-init")
        self.options = options
        self.behavior = behavior
        userCount = behavior.ratingCount.count
        itemCount = behavior.knownItems.count
        self.globalMean = globalMean
        self.itemEncoders = itemEncoders
        self.isModality = isModality
        self.userEncoder = userEncoder
        frozen = !options.trainEncoders
        let d = options.itemDim
        missing = itemEncoders.enumerated().map { k, e in
            // Row-sparse (one row): it is stepped only in batches that used it, like an embedding.
            isModality[k] ? Parameter(name: "missing.\(e.name)", value: Tensor.normal(shape: [1, e.outputDimension], std: 0.1, using: &rng),
                                      rowSparse: true) : nil
        }
        userEmbedding = options.userEmbedding > 0
            ? Embedding(count: userCount + 1, dimension: options.userEmbedding, std: 0.1, name: "user.embedding", rng: &rng) : nil
        userBias = Embedding(count: userCount + 1, dimension: 1, std: 0, name: "user.bias", rng: &rng)
        itemIdEmbedding = options.itemIdEmbedding > 0
            ? Embedding(count: itemCount + 1, dimension: options.itemIdEmbedding, std: 0.1, name: "item.embedding", rng: &rng) : nil
        itemBias = Embedding(count: itemCount + 1, dimension: 1, std: 0, name: "item.bias", rng: &rng)
        // Its own stream, so adding the ranking head left every other initial value as it was.
        var rankingRNG = SeededGenerator(seed: seed, stream: "fusion-init-ranking")
        rankingBias = Embedding(count: itemCount + 1, dimension: 1, std: 0, name: "ranking.bias", rng: &rankingRNG)
        rankingScale = Parameter(name: "ranking.scale", value: Tensor(shape: [1], storage: [1]))
        history = options.historyPooling == .none ? nil
            : EmbeddingBag(count: itemCount, dimension: d, mode: options.historyPooling == .mean ? .mean : .weightedSum,
                           std: 0.1, name: "user.history", rng: &rng)
        let itemWidth = zip(itemEncoders, isModality).reduce(0) { $0 + $1.0.outputDimension + ($1.1 ? 1 : 0) } + options.itemIdEmbedding
        itemTower = Linear(inFeatures: max(itemWidth, 1), outFeatures: d, name: "item.tower", rng: &rng)
        let userWidth = options.userEmbedding + (history == nil ? 0 : d) + (options.userStatistics ? 2 : 0)
            + (userEncoder?.outputDimension ?? 0)
        userTower = Linear(inFeatures: max(userWidth, 1), outFeatures: d, name: "user.tower", rng: &rng)
        let ownItem = [.separate, .item].contains(options.rankingTowers), ownUser = [.separate, .user].contains(options.rankingTowers)
        // Both sides must have one width: a ranking tower of its own on one side only keeps item_dim.
        // The item side has no bias: ⟨w̃_u, b⟩ is the same for every item of a user, so the softmax
        // cannot see it (its gradient is exactly 0 and Adam would step on rounding noise).
        let rankingWidth = options.rankingTowers == .separate ? options.rankingDim ?? d : d
        rankingItemTower = ownItem ? Linear(inFeatures: max(itemWidth, 1), outFeatures: rankingWidth, bias: false, name: "ranking.item.tower", rng: &rankingRNG) : nil
        rankingUserTower = ownUser ? Linear(inFeatures: max(userWidth, 1), outFeatures: rankingWidth, name: "ranking.user.tower", rng: &rankingRNG) : nil
        (head, dropouts) = Self.makeHead(options: options, seed: seed, rng: &rng)
        if frozen { precomputeFrozenOutputs() }
    }

    /// The MLP over [u, v, u ⊙ v]: hidden layers with ReLU (and dropout), then one output that
    /// starts near zero, so the model starts near μ + biases and the MLP grows in gradually.
    private static func makeHead(options: ModelOptions, seed: UInt64, rng: inout SeededGenerator) -> (Sequential, [Dropout]) {
        var layers: [any Layer] = []
        var dropouts: [Dropout] = []
        var width = 3 * options.itemDim
        for (k, h) in options.hidden.enumerated() {
            layers.append(Linear(inFeatures: width, outFeatures: h, name: "head.\(k)", rng: &rng))
            layers.append(ReLU())
            if options.dropout > 0 {
                let dropout = Dropout(p: Float(options.dropout), seed: seed &+ UInt64(k) &* 7919)
                dropouts.append(dropout)
                layers.append(dropout)
            }
            width = h
        }
        let output = Linear(inFeatures: width, outFeatures: 1, name: "head.out", rng: &rng)
        output.weight.value.scale(by: 0.1)
        output.bias?.value.zero()
        layers.append(output)
        return (Sequential(layers), dropouts)
    }

    /// Starts the user and item biases from a fitted bias baseline (on the model's target scale),
    /// so the network learns the residual and rarely rated items keep shrunken biases.
    public func initializeBiases(from baseline: BiasBaseline) {
        for u in 0..<min(userCount, baseline.userBias.count) { userBias.table.value.storage[u] = baseline.userBias[u] }
        for i in 0..<min(itemCount, baseline.itemBias.count) { itemBias.table.value.storage[i] = baseline.itemBias[i] }
    }

    /// Starts the model at a fitted matrix factorisation: biases and id embeddings from it, the
    /// towers passing the id embeddings straight through (identity blocks, every other input
    /// weighted 0) and the MLP's output layer at 0. The initial predictions are then the
    /// factorisation's, μ + b_u + b_i + p_uᵀq_i; training adds content, history and the nonlinear
    /// head on top, and early stopping can only keep or improve on that start.
    public func initialize(from mf: MatrixFactorization) {
        for u in 0..<min(userCount, mf.userBias.count) { userBias.table.value.storage[u] = mf.userBias[u] }
        for i in 0..<min(itemCount, mf.itemBias.count) { itemBias.table.value.storage[i] = mf.itemBias[i] }
        let d = dimension
        if let e = userEmbedding {
            let k = min(e.dimension, mf.factors, d)
            copyRows(mf.userFactors, factors: mf.factors, into: e, count: userCount, width: k)
            setIdentity(userTower.weight, columnOffset: 0, width: k)
        }
        if let e = itemIdEmbedding {
            let k = min(e.dimension, mf.factors, d)
            copyRows(mf.itemFactors, factors: mf.factors, into: e, count: itemCount, width: k)
            setIdentity(itemTower.weight, columnOffset: itemTower.inFeatures - e.dimension, width: k)
        }
        userTower.bias?.value.zero()
        itemTower.bias?.value.zero()
        if let output = head.layers.last as? Linear {
            output.weight.value.zero()
            output.bias?.value.zero()
        }
    }

    private func copyRows(_ factors: [Float], factors f: Int, into e: Embedding, count: Int, width k: Int) {
        let w = e.dimension
        e.table.value.zero()
        for r in 0..<count {
            for j in 0..<k { e.table.value.storage[r * w + j] = factors[r * f + j] }
        }
    }

    /// Weight (out, in) := 0 except W[j, offset + j] = 1 for j < width.
    private func setIdentity(_ weight: Parameter, columnOffset: Int, width: Int) {
        let inputs = weight.value.shape[1]
        weight.value.zero()
        for j in 0..<width { weight.value.storage[j * inputs + columnOffset + j] = 1 }
    }

    /// Every trainable parameter (frozen encoders excluded), in a fixed order.
    public var parameters: [Parameter] {
        var ps: [Parameter] = []
        for (k, e) in itemEncoders.enumerated() where !(frozen && isModality[k]) { ps += e.parameters }
        ps += missing.compactMap { $0 }
        ps += userEncoder?.parameters ?? []
        ps += (userEmbedding?.parameters ?? []) + userBias.parameters
        ps += (itemIdEmbedding?.parameters ?? []) + itemBias.parameters
        ps += history?.parameters ?? []
        ps += rankingBias.parameters + [rankingScale]
        ps += (rankingItemTower?.parameters ?? []) + (rankingUserTower?.parameters ?? [])
        ps += itemTower.parameters + userTower.parameters + head.parameters
        return ps
    }

    /// Every parameter including frozen encoders', for saving the model.
    public var allParameters: [Parameter] {
        guard frozen else { return parameters }
        return itemEncoders.enumerated().filter { isModality[$0.offset] }.flatMap { $0.element.parameters } + parameters
    }

    /// Dropout layers' batch counters, saved in checkpoints so resumed training draws the same masks.
    public var dropoutBatches: Int {
        get { dropouts.first?.batchesSeen ?? 0 }
        set { for d in dropouts { d.batchesSeen = newValue } }
    }

    private func precomputeFrozenOutputs() {
        for (k, encoder) in itemEncoders.enumerated() where isModality[k] {
            let present = (0..<itemCount).filter { encoder.isPresent($0) }
            var table = Tensor(shape: [itemCount, encoder.outputDimension])
            let encoded = encoder.infer(present)
            let w = encoder.outputDimension
            for (r, item) in present.enumerated() {
                for j in 0..<w { table.storage[item * w + j] = encoded.storage[r * w + j] }
            }
            frozenOutputs[k] = table
        }
    }

    /// The towers the ranking objective scores with.
    var retrievalItemTower: Linear { rankingItemTower ?? itemTower }
    var retrievalUserTower: Linear { rankingUserTower ?? userTower }

    /// The parameters a ranking step's user side trains: the retrieval user tower and its inputs' encoders.
    var userSideParameters: [Parameter] {
        retrievalUserTower.parameters + (userEmbedding?.parameters ?? []) + (history?.parameters ?? []) + (userEncoder?.parameters ?? [])
    }

    /// Row of the id embeddings for user `u`: its own if train knows it, else the unknown row.
    func userRow(_ u: Int) -> Int { behavior.userRow(u) }
    func itemRow(_ i: Int) -> Int { behavior.itemRow(i) }
}
