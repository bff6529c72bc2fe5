import Foundation
import TensorCore

/// Writes titles and descriptions whose topic mixture follows an item's two text factors.
///
/// Four topics; weights = softmax(1.6·[z₄, −z₄, z₅, −z₅]). Words come from the topics in
/// proportion, mixed with common filler; some items carry accented words or a Chinese phrase.
struct TextSynthesizer {
    static let topics: [(genre: String, adjectives: [String], nouns: [String], chinese: [String])] = [
        ("SciFi", ["cosmic", "quantum", "orbital", "robotic", "stellar", "galactic", "digital", "lunar"],
         ["starship", "android", "nebula", "reactor", "colony", "signal", "planet", "laboratory", "asteroid", "circuit",
          "telescope", "satellite", "algorithm", "spacecraft", "galaxy", "experiment"],
         ["宇宙飞船", "机器人", "星系", "实验室"]),
        ("Romance", ["tender", "secret", "gentle", "passionate", "lonely", "sweet", "forgotten", "moonlit"],
         ["letter", "wedding", "heart", "kiss", "garden", "promise", "lover", "dance", "rose", "summer",
          "café", "serenade", "memory", "sunset", "violin", "poem"],
         ["爱情", "婚礼", "玫瑰", "月光"]),
        ("Cooking", ["spicy", "crispy", "savory", "golden", "smoky", "fresh", "homemade", "rustic"],
         ["kitchen", "recipe", "bread", "noodles", "sauce", "garlic", "oven", "pastry", "soup", "spice",
          "crème", "brûlée", "dumpling", "market", "harvest", "chef"],
         ["饺子", "面条", "厨房", "美食"]),
        ("Adventure", ["wild", "brave", "hidden", "ancient", "fierce", "frozen", "lost", "savage"],
         ["jungle", "treasure", "mountain", "river", "expedition", "pirate", "canyon", "desert", "sword", "island",
          "voyage", "fortress", "storm", "compass", "glacier", "temple"],
         ["冒险", "宝藏", "山脉", "海岛"]),
    ]
    static let filler = ["the", "a", "of", "and", "with", "in", "story", "about", "new", "one", "who", "finds",
                         "their", "into", "this", "from", "young", "old", "world", "life", "day", "night", "naïve", "über"]

    static func weights(_ z: [Float]) -> [Double] {
        let logits = [z[4], -z[4], z[5], -z[5]].map { Double($0) * 1.6 }
        let m = logits.max()!
        let e = logits.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func pickTopic(_ w: [Double], _ rng: inout SeededGenerator) -> Int {
        var u = rng.nextUnitDouble()
        for (t, p) in w.enumerated() {
            u -= p
            if u < 0 { return t }
        }
        return w.count - 1
    }

    static func title(_ z: [Float], rng: inout SeededGenerator) -> String {
        let w = weights(z)
        let a = topics[pickTopic(w, &rng)], b = topics[pickTopic(w, &rng)]
        let adjective = a.adjectives[rng.nextInt(below: a.adjectives.count)]
        let noun = b.nouns[rng.nextInt(below: b.nouns.count)]
        return "The \(adjective.capitalized) \(noun.capitalized)"
    }

    static func description(_ z: [Float], rng: inout SeededGenerator) -> String {
        let w = weights(z)
        let length = 14 + rng.nextInt(below: 24)
        var words: [String] = []
        for _ in 0..<length {
            if rng.nextUnitFloat() < 0.55 {
                let t = topics[pickTopic(w, &rng)]
                let pool = rng.nextUnitFloat() < 0.3 ? t.adjectives : t.nouns
                words.append(pool[rng.nextInt(below: pool.count)])
            } else {
                words.append(filler[rng.nextInt(below: filler.count)])
            }
        }
        if rng.nextUnitFloat() < 0.15 {
            let t = topics[pickTopic(w, &rng)]
            words.append(t.chinese[rng.nextInt(below: t.chinese.count)] + "的故事")
        }
        var text = words.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst() + "."
        return text
    }

    /// Genres show only part of what the text shows: the primary genre follows z₄ alone (SciFi when
    /// it is high, Romance when low, otherwise Cooking or Adventure at random), and a second genre is
    /// added at random now and then. The text's topic mixture follows z₄ and z₅, so the text still
    /// tells a model something the genres do not.
    static func genres(_ z: [Float], rng: inout SeededGenerator) -> [String] {
        let names = topics.map(\.genre)
        let primary = z[4] > 0.5 ? names[0] : z[4] < -0.5 ? names[1] : names[2 + rng.nextInt(below: 2)]
        var result = [primary]
        if rng.nextUnitFloat() < 0.3 {
            let extra = names[rng.nextInt(below: names.count)]
            if extra != primary { result.append(extra) }
        }
        return result
    }
}

extension String {
    fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
