/// Where each stage keeps its files inside a run folder, named once (RunFolder in issue 16 will own
/// the readers too). Top-level artifacts are listed in ExportStage.
enum RunPath {
    static let evaluateMetrics = "stages/evaluate/metrics.json"
    static let extractErrors = "stages/extract/errors.jsonl"
    static let extractFeatures = "stages/extract/features.safetensors"
    static let extractSummary = "stages/extract/summary.json"
    static let extractStates = "stages/extract/states.json"
    static let loadCatalog = "stages/load/catalog.safetensors"
    static let loadInteractions = "stages/load/interactions.safetensors"
    static let loadItemIds = "stages/load/item_ids.txt"
    static let loadSummary = "stages/load/summary.json"
    static let loadUsers = "stages/load/users.safetensors"
    static let preprocessDroppedRows = "stages/preprocess/dropped_rows.jsonl"
    static let preprocessRatings = "stages/preprocess/ratings.safetensors"
    static let preprocessSummary = "stages/preprocess/summary.json"
    static let splitParts = "stages/split/split.safetensors"
    static let splitSummary = "stages/split/summary.json"
    static let trainModelDescription = "stages/train/model.json"
    static let trainModelWeights = "stages/train/model.safetensors"
    static let trainSummary = "stages/train/summary.json"
}
