/// Collects interleaved blocks from the decoder and applies the channel policy on the fly.
///
/// `mono` averages the channels in the order numpy does for `np.mean(y, axis=0)` on float32
/// (running sum over channels, then one division), so results match `librosa.to_mono` bit for bit.
/// Storage grows with the frames actually appended, starting from `reserve`.
struct ChannelSink {
    let policy: AudioOptions.ChannelPolicy
    let channels: Int
    private var planes: [[Float]]
    private var count = 0

    init(policy: AudioOptions.ChannelPolicy, channels: Int, reserve: Int) {
        self.policy = channels == 1 ? .first : policy
        self.channels = channels
        let planeCount = self.policy == .keep ? channels : 1
        planes = (0..<planeCount).map { _ in [Float](repeating: 0, count: Swift.max(reserve, 1)) }
    }

    /// Channels in the output: the file's count for `keep`, else 1.
    var outputChannels: Int { planes.count }

    mutating func append(_ block: UnsafePointer<Float>, frames: Int) {
        if count + frames > planes[0].count {
            let grown = Swift.max(count + frames, planes[0].count * 2)
            for p in planes.indices { planes[p].append(contentsOf: repeatElement(0, count: grown - planes[p].count)) }
        }
        let ch = channels, start = count
        switch policy {
        case .first:
            planes[0].withUnsafeMutableBufferPointer { out in
                for i in 0..<frames { out[start + i] = block[i * ch] }
            }
        case .mono where ch == 2:  // the common case, written out so it vectorises
            planes[0].withUnsafeMutableBufferPointer { out in
                let o = out.baseAddress! + start
                for i in 0..<frames { o[i] = (block[2 * i] + block[2 * i + 1]) / 2 }
            }
        case .mono:
            let scale = Float(ch)
            planes[0].withUnsafeMutableBufferPointer { out in
                for i in 0..<frames {
                    let frame = block + i * ch
                    var sum = frame[0]
                    for c in 1..<ch { sum += frame[c] }
                    out[start + i] = sum / scale
                }
            }
        case .keep:
            for c in 0..<ch {
                planes[c].withUnsafeMutableBufferPointer { out in
                    for i in 0..<frames { out[start + i] = block[i * ch + c] }
                }
            }
        }
        count += frames
    }

    /// The planes trimmed to the frames appended, concatenated channel after channel.
    mutating func finish() -> [Float] {
        if planes.count == 1 {
            planes[0].removeSubrange(count...)
            return planes[0]
        }
        var out: [Float] = []
        out.reserveCapacity(count * planes.count)
        for p in planes { out.append(contentsOf: p[0..<count]) }
        return out
    }
}
