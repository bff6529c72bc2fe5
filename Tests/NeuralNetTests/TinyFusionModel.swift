import NeuralNet
import TensorCore

/// The small fusion-like model of scripts/golden/neuralnet.py built from our layers: user and item
/// embeddings, a weighted-sum bag over token ids and a dense feature block, concatenated into
/// Linear-ReLU-Linear, trained on MSE. Weights come from the fixture, not from the generator.
final class TinyFusionModel {
    let config: Golden.FusionConfig
    let user, item: Embedding
    let tokens: EmbeddingBag
    let hidden, output: Linear
    let dropout: Dropout?
    let mlp: Sequential
    let concat = Concat()

    init(_ fusion: Golden.Fusion, sparse: Bool, dropout: Dropout? = nil) {
        let c = fusion.config
        config = c
        var rng = SeededGenerator(seed: 0)
        user = Embedding(count: c.users, dimension: c.dim, sparse: sparse, name: "user", rng: &rng)
        item = Embedding(count: c.items, dimension: c.dim, sparse: sparse, name: "item", rng: &rng)
        tokens = EmbeddingBag(count: c.vocab, dimension: c.dim, mode: .weightedSum, sparse: sparse, name: "tokens", rng: &rng)
        hidden = Linear(inFeatures: 3 * c.dim + c.dense, outFeatures: c.hidden, name: "hidden", rng: &rng)
        output = Linear(inFeatures: c.hidden, outFeatures: 1, name: "output", rng: &rng)
        self.dropout = dropout
        mlp = Sequential([hidden, ReLU()] + (dropout.map { [$0] } ?? []) + [output])
        for p in parameters { p.value = Tensor(shape: p.value.shape, storage: fusion.initial[p.name]!) }
    }

    var parameters: [Parameter] { user.parameters + item.parameters + tokens.parameters + mlp.parameters }

    /// One training step on `batch`; returns the loss before the update.
    func trainStep(_ b: Golden.FusionBatch, _ optimizer: any Optimizer) -> Float {
        optimizer.zeroGrad()
        let n = b.users.count
        let x = concat.forward([
            user.forward(b.users), item.forward(b.items),
            tokens.forward(Bags(offsets: b.offsets, indices: b.tokens, weights: b.token_weights)),
            Tensor(shape: [n, config.dense], storage: b.dense),
        ])
        let prediction = mlp.forward(x).reshaped([n])
        let (loss, gradient) = mseLoss(predictions: prediction, targets: Tensor(shape: [n], storage: b.ratings))
        let parts = concat.backward(mlp.backward(gradient.reshaped([n, 1])))
        user.backward(parts[0])
        item.backward(parts[1])
        tokens.backward(parts[2])
        optimizer.step()
        return loss
    }
}
