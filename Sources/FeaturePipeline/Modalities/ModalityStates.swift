import Foundation

/// Fitted modality states as stored: each under its modality's state key (`text`,
/// `audio_scaler`) of a JSON object, decoded with the types of the registry in the decoder's
/// `userInfo[.modalities]` (the standard registry when absent).
///
/// In memory, states are keyed by modality name; `stored` and `byModality` convert.
enum ModalityStates {
    /// Name-keyed states → state-keyed, for `modalities`.
    static func stored(_ states: [String: any ModalityState], _ modalities: [any ItemModality]) -> [String: any ModalityState] {
        var out: [String: any ModalityState] = [:]
        for m in modalities {
            if let key = type(of: m).state?.key, let s = states[m.name] { out[key] = s }
        }
        return out
    }

    /// State-keyed → name-keyed, for `modalities`.
    static func byModality(_ stored: [String: any ModalityState], _ modalities: [any ItemModality]) -> [String: any ModalityState] {
        var out: [String: any ModalityState] = [:]
        for m in modalities {
            if let key = type(of: m).state?.key, let s = stored[key] { out[m.name] = s }
        }
        return out
    }

    static func encode(_ states: [String: any ModalityState], to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: StateKey.self)
        for (key, state) in states { try c.encode(state, forKey: StateKey(key)) }
    }

    static func decode(from decoder: any Decoder) throws -> [String: any ModalityState] {
        let registry = decoder.userInfo[.modalities] as? ModalityRegistry ?? .standard
        let c = try decoder.container(keyedBy: StateKey.self)
        var states: [String: any ModalityState] = [:]
        for type in registry.types {
            guard let (key, stateType) = type.state, c.contains(StateKey(key)) else { continue }
            states[key] = try c.decode(stateType, forKey: StateKey(key))
        }
        return states
    }

    struct StateKey: CodingKey {
        var stringValue: String
        init(_ key: String) { stringValue = key }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// The extract stage's fitted states (stages/extract/states.json).
    struct File: Codable {
        var states: [String: any ModalityState]
        init(_ states: [String: any ModalityState]) { self.states = states }
        init(from decoder: any Decoder) throws { states = try ModalityStates.decode(from: decoder) }
        func encode(to encoder: any Encoder) throws { try ModalityStates.encode(states, to: encoder) }
    }
}

extension CodingUserInfoKey {
    /// The `ModalityRegistry` fitted states are decoded with.
    static let modalities = CodingUserInfoKey(rawValue: "pipeline.modalities")!
}
