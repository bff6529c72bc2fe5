import TensorCore

/// The keys of the fused model's options, once: model.json's JSON, the pipeline file's `model:`
/// section and the user-side keys it places in `users:` (`placed(at:)`), range checks and the
/// reference all walk this table. Keys missing from an older model.json keep their defaults.
extension ModelOptions: KeyedOptions {
    public static let keys = OptionTable<ModelOptions>([
        .intList("hidden", \.hidden, range: 1...8192, count: 0...8, doc: "Widths of the MLP's hidden layers."),
        .double("dropout", \.dropout, range: 0...0.9, doc: "Dropout probability after each hidden layer."),
        .int("item_dim", \.itemDim, range: 1...4096, doc: "Width of the fused item vector (the exported item embedding)."),
        .int("item_id_embedding", \.itemIdEmbedding, range: 0...4096, doc: "Width of the learned item-id embedding in the item tower (0: off)."),
        .bool("train_encoders", \.trainEncoders, doc: "Train the modality encoders end to end (false: keep their seeded weights)."),
        .double("modality_dropout", \.modalityDropout, range: 0...0.9, doc: "Probability, per batch and item, of replacing a modality by its learned missing vector."),
        .double("item_id_dropout", \.itemIdDropout, range: 0...0.9, doc: "Probability, per batch and item, of hiding the item id so the content path learns to stand alone (cold items)."),
        .choice("warm_start", \.warmStart, doc: "Start from a matrix factorisation of the train ratings fitted first (mf), from user and item biases (bias), from random weights, or auto: bias when items have content, mf when the model sees ids only."),
        .choice("ranking_towers", \.rankingTowers, doc: "separate: the ranking objective maps the towers' inputs with its own linear layers; shared: it scores with the rating model's user and item vectors; user or item: its own layer on that side only."),
        // The pipeline file writes 0 for "item_dim" (nil), so its reader is the spec's.
        .custom("ranking_dim", \.rankingDim, doc: "Width of the ranking objective's own towers (ranking_towers: separate); 0: item_dim."),
        .double("user_id_dropout", \.userIdDropout, range: 0...0.9, doc: "The same for user ids (cold users)."),
        .int("user_embedding", \.userEmbedding, range: 0...4096, doc: "Width of the user-id embedding (0: off).")
            .placed(at: "users", "embedding"),
        .choice("history_pooling", \.historyPooling, doc: "How the history is pooled.").placed(at: "users", "history", "pooling"),
        .int("history_max_items", \.historyMaxItems, range: 1...100_000, doc: "Most recent train items pooled per user.")
            .placed(at: "users", "history", "max_items"),
        .bool("user_statistics", \.userStatistics, doc: "Feed the user's rating count (log) and mean rating to the user tower.")
            .placed(at: "users", "statistics"),
    ])
}

extension ModelOptions.HistoryPooling: OptionChoice {}
extension ModelOptions.RankingTowers: OptionChoice {}
extension ModelOptions.WarmStart: OptionChoice {}
