import NeuralNet

/// A 64-bit FNV-1a hash of parameters' values (bits, in order): ranks compare fingerprints to check
/// that they hold the same model without sending it.
public enum ParameterFingerprint {
    public static func of(_ parameters: [Parameter]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for p in parameters {
            p.value.storage.withUnsafeBytes { bytes in
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
        }
        return hash
    }
}
