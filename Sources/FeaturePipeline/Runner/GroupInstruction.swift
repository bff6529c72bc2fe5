/// What rank 0 of a training group tells the other ranks to do next (docs/scale-out-training.md),
/// as one broadcast: they wait for it between the stages they take part in.
enum GroupInstruction: Equatable {
    /// Extract their part of the catalog (`ExtractStage+Group`).
    case extract
    /// Train with rank 0, checkpoint key `key`, then exit.
    case train(key: String)
    /// Nothing more (the run is done, failed, or its train stage is up to date): exit.
    case finish

    var bytes: [UInt8] {
        switch self {
        case .extract: Array("extract".utf8)
        case .train(let key): Array("train \(key)".utf8)
        case .finish: []
        }
    }

    init(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "extract" {
            self = .extract
        } else if text.hasPrefix("train ") {
            self = .train(key: String(text.dropFirst(6)))
        } else {
            self = .finish
        }
    }
}
