import NeuralNet
import TensorCore
import TestSupport
import Testing

/// The moving average of the weights kept in parts by a training group's members (`WeightAverage`
/// with a group): after `synchronize()` every member must hold the bits one process computes.
@Suite struct WeightAverageInPartsTests {
    /// Parameters of 35, 40, 0 and 3 elements, so that members' parts start and end inside them.
    static func parameters() -> [Parameter] {
        var rng = SeededGenerator(seed: 9)
        return [[5, 7], [10, 4], [0], [3]].map { shape in
            var t = Tensor(shape: shape)
            for i in 0..<t.count { t.storage[i] = Float.random(in: -1...1, using: &rng) }
            return Parameter(name: "p\(shape)", value: t)
        }
    }

    /// Step `step`'s values: every element moved by its own amount.
    static func move(_ ps: [Parameter], step: Int) {
        for (k, p) in ps.enumerated() {
            for i in 0..<p.elementCount { p.value.storage[i] += Float((i * 7 + k * 3 + step) % 11) * 0.01 - 0.05 }
        }
    }

    @Test(arguments: [2, 3, 7])
    func membersPartsGatherToTheBitsOfOneProcess(members: Int) {
        let ps = Self.parameters(), average = WeightAverage(parameters: ps, decay: 0.9)
        for step in 0..<4 {
            Self.move(ps, step: step)
            average.update(ps)
        }
        let expected = average.averages.map(\.value.storage)
        let results = ThreadGroup(size: members).run { member -> (partial: Bool, changed: Int, averages: [[Float]]) in
            let ps = Self.parameters(), average = WeightAverage(parameters: ps, decay: 0.9, group: member)
            let start = average.averages.flatMap(\.value.storage)
            for step in 0..<4 {
                Self.move(ps, step: step)
                average.update(ps)
            }
            let partial = average.isPartial
            // This member's own work: the elements it moved before the gather.
            let changed = zip(start, average.averages.flatMap(\.value.storage)).filter { $0 != $1 }.count
            average.synchronize()
            return (partial, changed, average.averages.map(\.value.storage))
        }
        for (rank, result) in results.enumerated() {
            #expect(result.partial && result.averages == expected, "member \(rank) of \(members)")
        }
        // Each member moved only its part (78 elements between them, each once).
        #expect(results.map(\.changed).reduce(0, +) == 78 && results.allSatisfy { $0.changed < 78 }, "\(results.map(\.changed))")
    }
}
