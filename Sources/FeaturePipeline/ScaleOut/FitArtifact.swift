import Foundation
import Recommender
import TensorCore

/// The folder `pipeline fit` writes: what extraction learns from the whole catalog, for
/// `pipeline extract --fit DIR` to embed any shard with.
///
/// `states.json` holds the item fields' scalers and vocabularies (`item_fields`) and each
/// modality's state under its state key, as model.json does; `fit.json`, written last, names the
/// configuration it was fitted for and the SHA-256 of states.json (the fit hash every part of a
/// sharded extract carries). A folder whose states.json does not match is refused.
public struct FitArtifact {
    public static let statesFile = "states.json"
    public static let manifestFile = "fit.json"

    public struct Manifest: Codable, Sendable, Equatable {
        public var format = "pipeline-fit-1"
        public var toolVersion = ToolVersion.current
        public var configurationHash: String
        public var statesHash: String
        public var items: Int

        enum CodingKeys: String, CodingKey {
            case format, toolVersion = "tool_version", configurationHash = "configuration_hash", statesHash = "states_hash", items
        }
    }

    public var manifest: Manifest
    var fitted: ItemEncoderSet.Fitted

    /// Writes `fitted` to `folder`: states.json, then fit.json, each atomically.
    static func write(_ fitted: ItemEncoderSet.Fitted, items: Int, spec: PipelineSpec, to folder: URL) throws {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(manifestFile))
        let states = FitStates(itemFields: fitted.itemFields, states: ModalityStates.stored(fitted.states, spec.features.modalities))
        let bytes = try StableJSON.encode(states)
        try AtomicFile.write(bytes, to: folder.appendingPathComponent(statesFile))
        let manifest = Manifest(configurationHash: spec.extractionConfigurationHash, statesHash: ContentHash.hex(bytes), items: items)
        try AtomicFile.write(try StableJSON.encode(manifest), to: folder.appendingPathComponent(manifestFile))
    }

    /// Reads `folder`, checking that it was fitted for `spec`'s configuration and is whole.
    static func read(_ folder: URL, for spec: PipelineSpec) throws -> FitArtifact {
        let manifestURL = folder.appendingPathComponent(manifestFile)
        guard let manifestBytes = try? Data(contentsOf: manifestURL),
              let manifest = try? StableJSON.decode(Manifest.self, from: manifestBytes) else {
            throw PipelineError(what: "\(folder.path) is not a fit folder (no readable \(manifestFile))",
                                hint: "write one with `pipeline fit FILE --output \(folder.path)`")
        }
        guard manifest.configurationHash == spec.extractionConfigurationHash else {
            throw PipelineError(what: "the fit in \(folder.path) was made for another configuration (data, features, seed or tool version differ)",
                                hint: "run `pipeline fit` again with this pipeline file")
        }
        let bytes = try Data(contentsOf: folder.appendingPathComponent(statesFile))
        guard ContentHash.hex(bytes) == manifest.statesHash else {
            throw PipelineError(what: "\(folder.appendingPathComponent(statesFile).path) does not match its \(manifestFile)",
                                hint: "run `pipeline fit` again")
        }
        let states = try StableJSON.decode(FitStates.self, from: bytes, userInfo: [.modalities: spec.features.registry])
        let fitted = ItemEncoderSet.Fitted(itemFields: states.itemFields,
                                           states: ModalityStates.byModality(states.states, spec.features.modalities))
        return FitArtifact(manifest: manifest, fitted: fitted)
    }
}

/// states.json of a fit folder: `item_fields` beside each modality's state key.
struct FitStates: Codable {
    var itemFields: TabularState?
    var states: [String: any ModalityState]

    init(itemFields: TabularState?, states: [String: any ModalityState]) {
        (self.itemFields, self.states) = (itemFields, states)
    }

    static let itemFieldsKey = ModalityStates.StateKey("item_fields")

    init(from decoder: any Decoder) throws {
        itemFields = try decoder.container(keyedBy: ModalityStates.StateKey.self).decodeIfPresent(TabularState.self, forKey: Self.itemFieldsKey)
        states = try ModalityStates.decode(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try ModalityStates.encode(states, to: encoder)
        var c = encoder.container(keyedBy: ModalityStates.StateKey.self)
        try c.encodeIfPresent(itemFields, forKey: Self.itemFieldsKey)
    }
}
