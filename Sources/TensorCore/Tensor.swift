/// A dense, row-major tensor of `Float` with value semantics.
///
/// Storage is one contiguous `[Float]`; element `(i0, i1, …, iₙ)` lives at
/// `((i0 · d1 + i1) · d2 + …) · dₙ + iₙ`. Copy-on-write comes from `Array`.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `storage.count == shape.reduce(1, *)`.
    public var storage: [Float]

    /// A tensor of `shape` holding `storage`; the element count must match.
    public init(shape: [Int], storage: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(
            storage.count == Tensor.elementCount(shape),
            "storage of \(storage.count) elements does not fit shape \(shape)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of `shape` with every element equal to `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, storage: [Float](repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor of `shape` whose elements are drawn from N(0, std²) with `generator`.
    public static func normal(shape: [Int], std: Float = 1, using generator: inout SeededGenerator) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.storage.indices { t.storage[i] = generator.nextNormal() * std }
        return t
    }

    /// A tensor of `shape` whose elements are drawn uniformly from [low, high).
    public static func uniform(
        shape: [Int], low: Float, high: Float, using generator: inout SeededGenerator
    ) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.storage.indices { t.storage[i] = low + (high - low) * generator.nextUnitFloat() }
        return t
    }

    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// Size of dimension `axis`; negative axes count from the end.
    public func dim(_ axis: Int) -> Int { shape[axis < 0 ? shape.count + axis : axis] }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }

    /// Gives the tensor `newShape` in place, keeping its storage's allocation when it is large
    /// enough: a workspace reused step after step. The elements are unspecified afterwards (old
    /// values, zeros where it grew), so the caller overwrites them all.
    public mutating func resize(to newShape: [Int]) {
        precondition(newShape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(newShape)")
        let count = Tensor.elementCount(newShape)
        if count < storage.count {
            storage.removeLast(storage.count - count)
        } else if count > storage.count {
            storage.append(contentsOf: repeatElement(0, count: count - storage.count))
        }
        shape = newShape
    }

    /// Element at a multi-index (bounds checked; for tests and cold paths).
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    /// Row `r` of a rank-2 tensor.
    public func row(_ r: Int) -> ArraySlice<Float> {
        precondition(rank == 2, "row(_:) needs a rank-2 tensor, shape is \(shape)")
        let width = shape[1]
        return storage[(r * width)..<((r + 1) * width)]
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of range for shape \(shape)")
            flat = flat * d + i
        }
        return flat
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = storage.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(storage.count > 8 ? ", …" : "")])"
    }
}
