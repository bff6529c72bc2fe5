import TensorCore

/// Parameters' tensors laid one after another in a flat buffer, as collectives move them
/// (`GradientExchange` packs gradients, `WeightAverage` its averages).
extension Array where Element == Parameter {
    /// Their elements together: the length of the flat buffer.
    public var elementCount: Int { reduce(0) { $0 + $1.elementCount } }

    /// Copies each parameter's `tensor` into `buffer` (at least `elementCount` long), one after another.
    public func pack(_ tensor: KeyPath<Parameter, Tensor>, into buffer: inout [Float]) {
        buffer.withUnsafeMutableBufferPointer { out in
            var at = 0
            for p in self where p.elementCount > 0 {
                p[keyPath: tensor].withUnsafeBufferPointer { (out.baseAddress! + at).update(from: $0.baseAddress!, count: p.elementCount) }
                at += p.elementCount
            }
        }
    }

    /// Copies `buffer`, laid out as `pack` lays it, back into each parameter's `tensor`.
    public func unpack(_ tensor: ReferenceWritableKeyPath<Parameter, Tensor>, from buffer: [Float]) {
        buffer.withUnsafeBufferPointer { packed in
            var at = 0
            for p in self where p.elementCount > 0 {
                p[keyPath: tensor].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: packed.baseAddress! + at, count: p.elementCount) }
                at += p.elementCount
            }
        }
    }
}
