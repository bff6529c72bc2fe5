import Recommender

extension PreprocessOptions {
    static func read(_ r: MappingReader) -> PreprocessOptions {
        var o = PreprocessOptions()
        o.deduplicate = r.choice("deduplicate", default: o.deduplicate, doc: "Which rating to keep when a user rated an item more than once (exact duplicate rows are always dropped).")
        o.missing = r.choice("missing", default: o.missing, doc: "Rows with a missing user, item or rating: drop them, or stop with an error naming the row.")
        o.onUnparsable = r.choice("on_unparsable", default: o.onUnparsable, doc: "Rows whose rating or timestamp does not parse: drop them, or stop with an error naming the row.")
        o.maxDropped = r.double("max_dropped", default: o.maxDropped, range: 0...1, doc: "Largest share of rows that missing, unparsable, unknown-item and out-of-range rows may drop; above it the run stops (dropped_rows.jsonl lists them).")
        let range = r.doubleList("rating_range", default: [], range: -1e9...1e9, count: 0...2, doc: "Valid ratings [low, high]; empty accepts every number.")
        if range.count == 2 {
            if range[0] < range[1] { o.ratingRange = range[0]...range[1] } else {
                r.report("rating_range", r.node("rating_range"), "low \(format(range[0])) is not below high \(format(range[1]))", hint: "write [low, high], e.g. [1, 5]")
            }
        } else if range.count == 1 {
            r.report("rating_range", r.node("rating_range"), "needs two numbers", hint: "write [low, high], e.g. [1, 5]")
        }
        o.outOfRange = r.choice("out_of_range", default: o.outOfRange, doc: "Ratings outside rating_range: drop the row or clip the rating.")
        o.normalize = r.choice("normalize", default: o.normalize, doc: "Rating normalisation fitted on train (predictions are mapped back).")
        o.minUserRatings = r.int("min_user_ratings", default: 0, range: 0...1_000_000, doc: "Drop users with fewer ratings.")
        o.minItemRatings = r.int("min_item_ratings", default: 0, range: 0...1_000_000, doc: "Drop the ratings of items with fewer ratings (the items stay in the catalog).")
        r.finish()
        return o
    }
}

extension SplitOptions {
    static func read(_ r: MappingReader) -> SplitOptions {
        var o = SplitOptions()
        o.method = r.choice("method", default: o.method, doc: "random, per_user (every user keeps ratings in train), temporal (latest to test), or column (data.interactions.split says).")
        o.valid = r.double("valid", default: o.valid, range: 0...0.9, doc: "Share of warm ratings for validation.")
        o.test = r.double("test", default: o.test, range: 0...0.9, doc: "Share of warm ratings for test.")
        let keep = o.method == .column  // the file's own split: nothing is moved unless asked
        o.coldItems = r.double("cold_items", default: keep ? 0 : o.coldItems, range: 0...0.9, doc: "Share of rated items held out whole (cold-item bucket); default 0 with method: column.")
        o.coldUsers = r.double("cold_users", default: keep ? 0 : o.coldUsers, range: 0...0.9, doc: "Share of users held out whole (cold-user bucket); default 0 with method: column.")
        o.validationColdItems = r.double("validation_cold_items", default: o.validationColdItems, range: 0...0.5, doc: "method: column with cold_items 0: share of train items without test rows whose train rows become cold-item validation rows, so early stopping sees unrated items.")
        if o.valid + o.test >= 1 {
            r.report("test", r.node("test"), "valid + test is \(format(o.valid + o.test)), leaving nothing to train on", hint: "keep valid + test below 1, e.g. 0.1 each")
        }
        r.finish()
        return o
    }
}

extension ModelOptions {
    /// The `model:` section, and the user-side keys of `users:` (the table places them there).
    static func read(_ r: MappingReader, users u: MappingReader) -> ModelOptions {
        var o = ModelOptions()
        let defaultDim = o.rankingDim ?? 0
        let rankingDim: OptionTableReader.CustomReaders = ["ranking_dim": { r, key in
            let dim = r.int(key.name, default: defaultDim, range: 0...4096, doc: key.doc)
            return (dim > 0 ? dim : nil) as Int? as Any
        }]
        OptionTableReader.read(&o, ModelOptions.keys, from: r, custom: rankingDim, sections: ["users": u],
                               sectionDocs: ["users.history": "Pooled vectors of the items the user rated in train."])
        r.finish()
        return o
    }
}

extension TrainOptions {
    static func read(_ r: MappingReader) -> TrainOptions {
        var o = TrainOptions()
        o.optimizer = r.choice("optimizer", default: o.optimizer, doc: "Adam (bias-corrected) or SGD with momentum.")
        o.learningRate = r.double("learning_rate", default: o.learningRate, range: 1e-7...10, doc: "Initial learning rate.")
        o.weightDecay = r.double("weight_decay", default: o.weightDecay, range: 0...1, doc: "L2 penalty on dense weights.")
        o.embeddingRegularization = r.double("embedding_regularization", default: o.embeddingRegularization, range: 0...1, doc: "L2 penalty on the embedding rows each batch touches.")
        o.momentum = r.double("momentum", default: o.momentum, range: 0...0.999, doc: "SGD momentum.")
        o.batchSize = r.int("batch_size", default: o.batchSize, range: 1...65_536, doc: "Ratings per mini-batch.")
        o.epochs = r.int("epochs", default: o.epochs, range: 1...10_000, doc: "Maximum passes over the training ratings.")
        o.schedule = r.choice("schedule", default: o.schedule, doc: "Learning-rate schedule over epochs.")
        o.gamma = r.double("gamma", default: o.gamma, range: 0.001...1, doc: "Decay factor of the step and exponential schedules.")
        o.stepEvery = r.int("step_every", default: o.stepEvery, range: 1...10_000, doc: "Epochs between decays of the step schedule.")
        o.clipNorm = r.double("clip_norm", default: o.clipNorm, range: 0...1e6, doc: "Clip the global gradient norm (0: off).")
        o.weightAverage = r.double("weight_average", default: o.weightAverage, range: 0...0.99999, doc: "Decay of the moving average of the weights that validation and the saved model use (0: off).")
        let objectives = r.section("objectives", doc: "Weights of the training objectives (0 turns one off).")
        o.objectives.rating = objectives.double("rating", default: o.objectives.rating, range: 0...1000, doc: "Squared error of the predicted rating (ignored without a rating column).")
        o.objectives.ranking = objectives.double("ranking", default: o.objectives.ranking, range: 0...1000, doc: "Softmax over the catalog of each user's train items, so the towers also learn what a user picks.")
        objectives.finish()
        let ranking = r.section("ranking", doc: "How the ranking objective is trained.")
        o.ranking.batchSize = ranking.int("batch_size", default: o.ranking.batchSize, range: 1...65_536, doc: "Users per ranking batch.")
        o.ranking.historyDropout = ranking.double("history_dropout", default: o.ranking.historyDropout, range: 0...0.95, doc: "Share of a user's history hidden from the user tower in each ranking batch (denoising).")
        o.ranking.negatives = ranking.int("negatives", default: o.ranking.negatives, range: 1...10_000_000, doc: "Catalogs up to this many items use the exact softmax; larger ones sample this many candidates per batch, with log-Q correction.")
        o.ranking.ratio = ranking.double("ratio", default: o.ranking.ratio, range: 0.001...100, doc: "Ranking batches per rating batch in an epoch (rating batches counted even without ratings); at least one pass over the users.")
        ranking.finish()
        let es = r.section("early_stopping", doc: "Stop when the validation metric stops improving; the best epoch's weights are kept.")
        o.stoppingMetric = es.choice("metric", default: o.stoppingMetric, doc: "Validation metric watched: auto is rmse with the rating objective alone, ndcg (NDCG@10) with ranking alone, and with both the weighted sum of log rmse and −log ndcg.")
        o.patience = es.int("patience", default: o.patience, range: 0...10_000, doc: "Epochs without improvement before stopping (0: never stop early).")
        es.finish()
        r.finish()
        return o
    }
}

extension EvaluationOptions {
    static func read(_ r: MappingReader) -> EvaluationOptions {
        var o = EvaluationOptions()
        o.k = r.intList("k", default: o.k, range: 1...10_000, count: 1...16, doc: "Cut-offs of Precision@K, Recall@K, NDCG@K and HitRate@K.")
        let t = r.doubleList("relevance_threshold", default: [], range: -1e9...1e9, count: 0...1, doc: "Ratings at or above this are relevant for ranking; default 75 % of the way up the train rating range.")
        o.relevanceThreshold = t.first
        o.baselines = r.stringList("baselines", default: o.baselines.map(\.rawValue), allowed: Baseline.allCases.map(\.rawValue),
                                   doc: "Classical baselines reported beside the fused model: rating models (global_mean, bias, mf) and rankers (popularity, ease: EASE^R, item-kNN above 20 000 rated items; item_knn).").compactMap(Baseline.init)
        o.ablation = r.bool("ablation", default: o.ablation, doc: "Re-evaluate with each modality masked.")
        o.ranking = r.bool("ranking", default: o.ranking, doc: "Compute the ranking metrics (every unseen item is scored for every test user).")
        r.finish()
        return o
    }
}

extension TabularField {
    /// Reads `fields:` entries: `{name: genres, type: multi_hot, separator: "|"}`.
    static func readList(_ r: MappingReader, key: String, doc: String) -> [TabularField] {
        guard let readers = r.sectionList(key, doc: doc) else { return [] }
        return readers.map { f in
            let name = f.requiredString("name", doc: "Column name.", hint: "add `name: <column>`")
            var field = TabularField(name: name, kind: f.choice("type", default: Kind.numeric, doc: "numeric, categorical or multi_hot."))
            field.log = f.bool("log", default: false, doc: "numeric: apply log(1 + x) before standardising.")
            field.separator = f.string("separator", default: "|", doc: "multi_hot: separator between values.") ?? "|"
            field.minCount = f.int("min_count", default: 1, range: 1...1_000_000, doc: "categorical, multi_hot: rarer values share the out-of-vocabulary row.")
            field.embedding = f.int("embedding", default: 8, range: 1...1024, doc: "categorical, multi_hot: embedding width.")
            f.finish()
            return field
        }
    }
}
