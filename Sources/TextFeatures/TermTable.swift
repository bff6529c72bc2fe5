import Foundation

/// An insert-only hash map from byte strings (UTF-8 terms) to dense ids 0, 1, 2, … in insertion
/// order, looked up without allocating a `String`.
///
/// Open addressing with linear probing over a power-of-two table kept at most 3/4 full (a smaller
/// table stays in cache; most lookups are hits, which probe about 2.5 slots at that load); keys live
/// back to back in one byte arena. Each slot is two words in one cache line: the id with 24 bits
/// of hash and the key's length, and the key's first eight bytes. A probe therefore decides keys
/// of up to eight bytes (most words) without touching the arena — a lookup of a rare term costs
/// one cache miss, not three. The full hash of each id is kept so growth never rehashes keys.
struct TermTable: Sendable {
    private(set) var arena: [UInt8] = []
    /// Key `id` is `arena[offsets[id]..<offsets[id + 1]]`.
    private(set) var offsets: [Int32] = [0]
    private(set) var hashes: [UInt64] = []
    /// Slot i is `slots[2i]` (0 = empty, else hash >> 40 << 40 | min(length, 255) << 32 | id + 1)
    /// and `slots[2i + 1]` (the key's first eight bytes, little-endian, zero-padded).
    private var slots: [UInt64]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: 2 * size)
        mask = size - 1
    }

    var count: Int { hashes.count }

    @inline(__always) private static func meta(_ hash: UInt64, _ length: Int, _ id: Int32) -> UInt64 {
        (hash >> 40) << 40 | UInt64(min(length, 255)) << 32 | UInt64(id + 1)
    }

    @inline(__always) private static func prefix(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if key.count >= 8 { return UnsafeRawPointer(key.baseAddress!).loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        for k in 0..<key.count { word |= UInt64(key[k]) << (8 * UInt64(k)) }
        return word
    }

    /// The id of `key`, or -1.
    @inline(__always) func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let want = Self.meta(hash, key.count, -1)  // id bits 0: compared with the id masked off
        let first = Self.prefix(key)
        return slots.withUnsafeBufferPointer { slots in
            var i = Int(truncatingIfNeeded: hash) & mask
            while true {
                let meta = slots[2 * i]
                if meta == 0 { return -1 }
                if meta & ~0xFFFF_FFFF == want, slots[2 * i + 1] == first {
                    let id = Int32(truncatingIfNeeded: meta & 0xFFFF_FFFF) - 1
                    if key.count <= 8 || tailEquals(Int(id), key) { return id }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// The id of `key`, inserting it with the next id when absent.
    @inline(__always) mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let found = find(key, hash: hash)
        if found >= 0 { return found }
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[2 * i] != 0 { i = (i + 1) & mask }
        let id = Int32(hashes.count)
        slots[2 * i] = Self.meta(hash, key.count, id)
        slots[2 * i + 1] = Self.prefix(key)
        hashes.append(hash)
        arena.append(contentsOf: key)
        offsets.append(Int32(arena.count))
        if hashes.count * 4 > (mask + 1) * 3 { grow() }
        return id
    }

    mutating func insert(_ key: [UInt8]) -> Int32 {
        key.withUnsafeBufferPointer { insert($0, hash: termHash($0)) }
    }

    func find(_ key: [UInt8]) -> Int32 {
        key.withUnsafeBufferPointer { find($0, hash: termHash($0)) }
    }

    /// The bytes of key `id`.
    func key(_ id: Int) -> ArraySlice<UInt8> { arena[Int(offsets[id])..<Int(offsets[id + 1])] }

    /// Whether key `a` sorts before key `b` by bytes (which is code point order for UTF-8).
    func keyPrecedes(_ a: Int, _ b: Int) -> Bool {
        arena.withUnsafeBufferPointer { p in
            let (sa, la) = (Int(offsets[a]), Int(offsets[a + 1] - offsets[a]))
            let (sb, lb) = (Int(offsets[b]), Int(offsets[b + 1] - offsets[b]))
            let common = min(la, lb)
            for k in 0..<common where p[sa + k] != p[sb + k] { return p[sa + k] < p[sb + k] }
            return la < lb
        }
    }

    /// Whether key `id` (already known to share the first eight bytes and the length, when
    /// under 255) equals `key` from byte 8 on.
    @inline(__always) private func tailEquals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        offsets.withUnsafeBufferPointer { o in
            let start = Int(o[id]), length = Int(o[id + 1]) - start
            guard length == key.count else { return false }
            return arena.withUnsafeBufferPointer { a in
                let x = UnsafeRawPointer(a.baseAddress! + start), y = UnsafeRawPointer(key.baseAddress!)
                var k = 8
                while k + 8 <= length {
                    if x.loadUnaligned(fromByteOffset: k, as: UInt64.self) != y.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
                    k += 8
                }
                while k < length {
                    if x.load(fromByteOffset: k, as: UInt8.self) != y.load(fromByteOffset: k, as: UInt8.self) { return false }
                    k += 1
                }
                return true
            }
        }
    }

    private mutating func grow() {
        let size = 2 * (mask + 1)
        var fresh = [UInt64](repeating: 0, count: 2 * size)
        let m = size - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & m
            while fresh[2 * i] != 0 { i = (i + 1) & m }
            let start = Int(offsets[id]), length = Int(offsets[id + 1]) - start
            fresh[2 * i] = Self.meta(h, length, Int32(id))
            fresh[2 * i + 1] = arena.withUnsafeBufferPointer { Self.prefix(UnsafeBufferPointer(rebasing: $0[start..<(start + length)])) }
        }
        slots = fresh
        mask = m
    }
}

/// A fast 64-bit hash of a term's bytes for `TermTable` (eight bytes per step, multiply-xorshift
/// mixing, MurmurHash3's fmix64 finaliser). Not the hashing trick's hash (see `murmurHash3`).
@inline(__always) func termHash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = p.count
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
    guard n > 0 else { return h }
    let raw = UnsafeRawPointer(p.baseAddress!)
    var i = 0
    while i + 8 <= n {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        i += 8
    }
    if i < n {
        var tail: UInt64 = 0
        for k in i..<n { tail |= UInt64(p[k]) << (8 * UInt64(k - i)) }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
    }
    h ^= h >> 33
    h &*= 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33
    h &*= 0xC4CE_B9FE_1A85_EC53
    return h ^ (h >> 33)
}

/// MurmurHash3_x86_32 of `p` with `seed` (Austin Appleby, public domain), as a signed value —
/// scikit-learn's `murmurhash3_32(key, seed=0, positive=False)` on the UTF-8 bytes.
func murmurHash3(_ p: UnsafeBufferPointer<UInt8>, seed: UInt32 = 0) -> Int32 {
    let c1: UInt32 = 0xCC9E_2D51, c2: UInt32 = 0x1B87_3593
    let n = p.count
    var h = seed
    var i = 0
    if n >= 4 {
        let raw = UnsafeRawPointer(p.baseAddress!)
        while i + 4 <= n {
            var k = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            k &*= c1; k = k << 15 | k >> 17; k &*= c2
            h ^= k; h = h << 13 | h >> 19; h = h &* 5 &+ 0xE654_6B64
            i += 4
        }
    }
    var k: UInt32 = 0
    let rest = n - i
    if rest >= 3 { k ^= UInt32(p[i + 2]) << 16 }
    if rest >= 2 { k ^= UInt32(p[i + 1]) << 8 }
    if rest >= 1 {
        k ^= UInt32(p[i]); k &*= c1; k = k << 15 | k >> 17; k &*= c2; h ^= k
    }
    h ^= UInt32(truncatingIfNeeded: n)
    h ^= h >> 16; h &*= 0x85EB_CA6B; h ^= h >> 13; h &*= 0xC2B2_AE35; h ^= h >> 16
    return Int32(bitPattern: h)
}
