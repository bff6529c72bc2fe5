import CSndfile
import Foundation
import TensorCore

/// What a file's header says: container, encoding, rate, channels, length.
public struct AudioFileInfo: Sendable, Codable, Equatable {
    /// Container, as python-soundfile names it: `WAV`, `FLAC`, `OGG`, `AIFF`, `MP3` …
    public var format: String
    /// Sample encoding: `PCM_16`, `FLOAT`, `ULAW`, `VORBIS`, `OPUS` …
    public var subtype: String
    public var sampleRate: Int
    public var channels: Int
    /// Frames (samples per channel) the header declares, after libsndfile's own sanity clamps.
    public var frames: Int

    public init(format: String, subtype: String, sampleRate: Int, channels: Int, frames: Int) {
        self.format = format; self.subtype = subtype; self.sampleRate = sampleRate
        self.channels = channels; self.frames = frames
    }

    /// frames / sample_rate, in seconds.
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }
}

/// Decoded samples in [−1, 1] (integer encodings; float files pass through), planar.
public struct DecodedAudio: Sendable, Equatable {
    /// The file's header.
    public var info: AudioFileInfo
    /// Rate of `samples` in Hz.
    public var sampleRate: Int
    /// Channels held in `samples`: 1 after `mono` or `first`, the file's count after `keep`.
    public var channelCount: Int
    /// Samples per channel.
    public var frameCount: Int
    /// Planar: channel c occupies `c·frameCount ..< (c+1)·frameCount`.
    public var samples: [Float]

    public init(info: AudioFileInfo, sampleRate: Int, channelCount: Int, samples: [Float]) {
        precondition(channelCount > 0 && samples.count % channelCount == 0,
                     "DecodedAudio: \(samples.count) samples do not split into \(channelCount) channels")
        self.info = info
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.frameCount = samples.count / channelCount
        self.samples = samples
    }

    /// The samples of channel `c`.
    public func channel(_ c: Int) -> ArraySlice<Float> { samples[(c * frameCount)..<((c + 1) * frameCount)] }

    /// Root mean square over all held samples, in Double.
    public var rms: Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.withUnsafeBufferPointer { p in p.reduce(0.0) { $0 + Double($1) * Double($1) } }
        return (sum / Double(samples.count)).squareRoot()
    }
}

/// Decodes audio files with libsndfile: every format it reads, any channel count, in blocks.
///
/// Limits come from `AudioOptions` (`max_bytes`, `max_channels`, `max_seconds`) and are checked
/// from the file size and header before a sample is read; the output grows with the data actually
/// decoded, never with the header's claim. The window (`offset`, `duration`) follows
/// `librosa.load`: it starts at frame ⌊offset·sr⌋ and spans ⌊duration·sr⌋ frames.
public enum AudioDecoder {
    /// Frames per libsndfile read.
    static let blockFrames = 4096

    /// The header of `url`, checked against the limits in `options`.
    public static func info(of url: URL, options: AudioOptions = AudioOptions()) throws -> AudioFileInfo {
        try withMappedFile(url, options: options) { io in try header(SoundFile(io: io, path: url.path), options: options) }
    }

    /// The container name (`WAV`, `FLAC` …) if libsndfile can open `url` at all, else nil.
    public static func formatName(of url: URL) -> String? {
        try? withMappedFile(url, options: AudioOptions()) { io in SoundFileFormat.majorName(try SoundFile(io: io, path: url.path).info.format) }
    }

    /// Decodes the window of `url` selected by `options` at the file's own rate, applying the
    /// channel policy (`mono`: mean of channels, as `librosa.to_mono`).
    public static func decode(_ url: URL, options: AudioOptions = AudioOptions()) throws -> DecodedAudio {
        try withMappedFile(url, options: options) { io in try decode(io: io, path: url.path, options: options) }
    }

    /// Decodes bytes already in memory; `name` is used in error messages.
    public static func decode(bytes: UnsafeRawBufferPointer, name: String,
                              options: AudioOptions = AudioOptions()) throws -> DecodedAudio {
        try MediaFileCheck.checkSize(bytes.count, path: name, maxBytes: options.maxBytes, modality: "audio")
        return try decode(io: MemoryVirtualIO(base: bytes.baseAddress, count: bytes.count), path: name, options: options)
    }

    static func decode(io: MemoryVirtualIO, path: String, options: AudioOptions) throws -> DecodedAudio {
        let file = try SoundFile(io: io, path: path)
        let info = try header(file, options: options)
        let window = try frameWindow(info, path: path, options: options)
        if window.start > 0, !file.seek(to: window.start) {
            throw ItemError(.unsupported, source: path, detail: "cannot seek to offset \(options.offset) s in this \(info.format) file",
                            hint: "set offset: 0, or convert the file to WAV or FLAC")
        }
        var sink = ChannelSink(policy: options.channels, channels: info.channels,
                               reserve: Swift.min(window.count, Swift.max(io.count, 1 << 20)))
        var remaining = window.count
        var scratch = [Float](repeating: 0, count: blockFrames * info.channels)
        while remaining > 0 {
            let got = try scratch.withUnsafeMutableBufferPointer { buffer in
                try file.read(into: buffer.baseAddress!, frames: Swift.min(blockFrames, remaining))
            }
            if got == 0 { break }
            scratch.withUnsafeBufferPointer { sink.append($0.baseAddress!, frames: got) }
            remaining -= got
        }
        let decoded = window.count - remaining
        if window.exact, remaining > 0 {
            throw ItemError(.truncated, source: path,
                            detail: "decoded \(decoded) of the \(window.count) frames the header promises",
                            hint: "the file is cut short or damaged; fetch or re-encode it")
        }
        if !window.exact, remaining == 0, window.count == window.limitFrames {
            throw tooLong(path, seconds: nil, options)  // length unknown from the header, and it kept going
        }
        if decoded == 0 {
            if HeaderLog.declaresNoData(in: file.log), io.count > 1024 {
                throw ItemError(.corrupt, source: path, detail: "the header declares 0 bytes of audio data, yet the file has \(io.count) bytes",
                                hint: "the writer never finalised the header (interrupted recording); repair it, e.g. sox --ignore-length in.wav out.wav")
            }
            throw ItemError(.empty, source: path, detail: "it holds no audio frames",
                            hint: "re-encode the file from its source, or drop the item; it has no audio")
        }
        return DecodedAudio(info: info, sampleRate: info.sampleRate, channelCount: sink.outputChannels,
                            samples: sink.finish())
    }

    /// Checks the header: a sane rate, channel limit, a frame count the data backs up.
    static func header(_ file: SoundFile, options: AudioOptions) throws -> AudioFileInfo {
        let raw = file.info
        let info = AudioFileInfo(format: SoundFileFormat.majorName(raw.format), subtype: SoundFileFormat.subtypeName(raw.format),
                                 sampleRate: Int(raw.samplerate), channels: Int(raw.channels), frames: Int(raw.frames))
        guard info.sampleRate > 0, info.channels > 0 else {
            throw ItemError(.corrupt, source: file.path, detail: "the header gives \(info.sampleRate) Hz and \(info.channels) channels",
                            hint: "the header is damaged; re-encode the file from its source")
        }
        guard info.channels <= options.maxChannels else {
            throw ItemError(.tooLarge, source: file.path, detail: "\(info.channels) channels exceed max_channels \(options.maxChannels)",
                            hint: "raise features.audio.max_channels if the file is genuine")
        }
        let bytesPerFrame = info.channels * 4  // a frame's worth of slack for writers that miscount padding
        if let short = HeaderLog.shortfall(in: file.log, tolerance: bytesPerFrame) {
            throw ItemError(.truncated, source: file.path,
                            detail: "the header declares \(short.claimed) bytes of audio data but the file holds \(short.present)",
                            hint: "the file was cut short (interrupted download or copy) or its header is wrong; fetch it again")
        }
        return info
    }

    /// The frames to read: start, count, and whether the count is a promise the data must keep.
    struct FrameWindow { var start: Int; var count: Int; var exact: Bool; var limitFrames: Int }

    static func frameWindow(_ info: AudioFileInfo, path: String, options: AudioOptions) throws -> FrameWindow {
        let sr = Double(info.sampleRate)
        let start = Int(options.offset * sr)
        let wanted = options.duration.map { Int($0 * sr) } ?? Int.max
        let limit = options.maxSeconds.map { Int(($0 * sr).rounded(.down)) + 1 } ?? Int.max
        // MP3 lengths come from a Xing/LAME header or an estimate: a bound, not a promise.
        let estimated = info.format == SoundFileFormat.majorName(Int32(SF_FORMAT_MPEG))
        // libsndfile reports SF_COUNT_MAX when a stream's length is unknown.
        if info.frames > 0, info.frames != Int(sf_count_t.max) {
            guard start < info.frames else {
                throw ItemError(.empty, source: path, detail: "offset \(options.offset) s is past the end (\(info.duration) s)",
                                hint: "lower features.audio.offset or drop this item")
            }
            let count = Swift.min(wanted, info.frames - start)
            if count >= limit { throw tooLong(path, seconds: Double(count) / sr, options) }
            if !estimated { return FrameWindow(start: start, count: count, exact: true, limitFrames: limit) }
        }
        return FrameWindow(start: start, count: Swift.min(wanted, limit), exact: false, limitFrames: limit)
    }

    /// Maps the file (no copy) after checking that it is a regular file, not empty and within max_bytes.
    static func withMappedFile<R>(_ url: URL, options: AudioOptions, _ body: (MemoryVirtualIO) throws -> R) throws -> R {
        let path = url.path
        _ = try MediaFileCheck.readableSize(path, maxBytes: options.maxBytes, modality: "audio")
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw MediaFileCheck.unreadable(path, after: error)
        }
        return try data.withUnsafeBytes { bytes in
            try body(MemoryVirtualIO(base: bytes.baseAddress, count: bytes.count))
        }
    }

    static func tooLong(_ path: String, seconds: Double?, _ options: AudioOptions) -> ItemError {
        let what = seconds.map { "\(($0 * 100).rounded() / 100) s to read" } ?? "the stream runs on"
        return ItemError(.tooLong, source: path, detail: "\(what), longer than max_seconds \(options.maxSeconds ?? 0)",
                         hint: "raise features.audio.max_seconds, or set duration to take a window (e.g. duration: 30)")
    }
}
