import Foundation
import TensorCore
import Testing

/// Stage files as the runner rereads them after a kill or a change.
@Suite struct StageFileTests {
    /// Found by the kill-and-rerun harness's whole-file check: an empty tensor (the split tags of
    /// a file without a split column) shares its offset with the next tensor, and the reader
    /// rejected the file ("leaves a hole or overlaps") whenever the header's keys, in random
    /// order, put the empty one second. The load stage's interactions file has such a column, so
    /// a rerun that read it back could fail.
    @Test func emptyTensorsSharingAnOffsetAreRead() throws {
        for k in 0..<64 {  // different names give different key orders
            let entries = [
                Safetensors.Entry(name: "full\(k)", dtype: .uint8, shape: [3], bytes: [1, 2, 3]),
                Safetensors.Entry(name: "empty\(k)", dtype: .uint8, shape: [0], bytes: []),
                Safetensors.Entry(name: "tail\(k)", dtype: .uint8, shape: [1], bytes: [9]),
            ]
            for order in [entries, entries.reversed()] {
                let file = try Safetensors.decode([UInt8](Safetensors.encode(order)))
                #expect(file["empty\(k)"]?.bytes == [] && file["full\(k)"]?.bytes == [1, 2, 3] && file["tail\(k)"]?.bytes == [9])
            }
        }
    }
}
