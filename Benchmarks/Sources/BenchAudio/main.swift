// Audio throughput: seconds of audio processed per second of wall time, end to end
// (decode + resample + mel + MFCC + pooling) and for the bare parts that bound it.
//
// Run (from Benchmarks/): swift run -c release BenchAudio DIR --format wav --threads 1 --runs 5
// DIR holds 30 s 44.1 kHz stereo clips made by `scripts/bench/audio_peer.py make DIR`.
import AudioFeatures
import CFFTW
import CSndfile
import CSoxr
import BenchSupport
import Foundation
import TensorCore

struct Arguments {
    var directory = URL(fileURLWithPath: "/tmp/bench-audio")
    var format = "wav"
    var threads = 1
    var runs = 5
    var limits = false
    var stages = false

    init() {
        var args = CommandLine.arguments.dropFirst()
        if let first = args.first, !first.hasPrefix("--") { directory = URL(fileURLWithPath: first); args = args.dropFirst() }
        while let key = args.popFirst() {
            switch key {
            case "--format": format = args.popFirst()!
            case "--threads": threads = Int(args.popFirst()!)!
            case "--runs": runs = Int(args.popFirst()!)!
            case "--limits": limits = true
            case "--stages": stages = true
            default: fatalError("unknown argument \(key)")
            }
        }
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Wall and CPU seconds of `body`.
func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let cpu0 = cpuSeconds()
    let wall = try seconds(body)
    return (wall, cpuSeconds() - cpu0)
}

let arguments = Arguments()
BLAS.setThreads(1)
let files = try FileManager.default.contentsOfDirectory(at: arguments.directory, includingPropertiesForKeys: nil)
    .filter { $0.pathExtension == arguments.format }.sorted { $0.path < $1.path }
precondition(!files.isEmpty, "no .\(arguments.format) files in \(arguments.directory.path)")
let audioSeconds = try files.reduce(0.0) { $0 + (try AudioDecoder.info(of: $1)).duration }
let extractor = try AudioFeatureExtractor(options: AudioOptions(preset: .librosa))
_ = try extractor.extract(files[0])  // plans, filter bank, page cache

/// Extracts every file with `threads` workers, results stored by index.
func extractAll(threads: Int) throws {
    final class Box: @unchecked Sendable { var vectors: [[Float]]; init(_ n: Int) { vectors = Array(repeating: [], count: n) } }
    let box = Box(files.count), next = NSLock()
    nonisolated(unsafe) var cursor = 0
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
        while true {
            let i: Int = next.withLock { defer { cursor += 1 }; return cursor }
            guard i < files.count else { return }
            box.vectors[i] = try! extractor.extract(files[i])
        }
    }
    precondition(box.vectors.allSatisfy { $0.count == extractor.outputDimension })
}

var speeds: [Double] = [], cpuSpeeds: [Double] = []
for run in 0..<arguments.runs {
    let cpu0 = cpuSeconds()
    let t = try seconds { try extractAll(threads: arguments.threads) }
    let cpu = cpuSeconds() - cpu0
    speeds.append(audioSeconds / t)
    cpuSpeeds.append(audioSeconds / cpu)
    print(String(format: "run %d: %d files, %.0f s of audio in %.3f s (%.3f s CPU) = %.0fx realtime", run, files.count,
                 audioSeconds, t, cpu, audioSeconds / t))
}
print(String(format: "median_x_realtime=%.0f", median(speeds)))
print(String(format: "median_x_realtime_per_cpu_second=%.0f", median(cpuSpeeds)))

if arguments.stages {
    // Where one file's time goes, stage by stage (medians over runs × files).
    let options = extractor.options
    let stft = ShortTimeFourierTransform(options: options)
    let bank = MelFilterBank(options: options), dct = MFCC(options: options)
    var times = [String: [Double]]()
    for _ in 0..<arguments.runs {
        for url in files {
            var audio: DecodedAudio!, signal: [Float] = [], power = Tensor(shape: [0]), mel = Tensor(shape: [0])
            var db = Tensor(shape: [0]), mfcc = Tensor(shape: [0])
            times["0 whole extract", default: []].append(try seconds { _ = try extractor.extract(url) })
            times["1 decode+mono", default: []].append(try seconds { audio = try AudioDecoder.decode(url, options: options) })
            times["2 resample", default: []].append(try seconds { signal = try Resampler.resample(audio.samples, from: audio.sampleRate, to: 22050) })
            times["3 stft power", default: []].append(seconds { power = stft.spectrogram(signal) })
            times["4 mel", default: []].append(seconds { mel = bank.apply(power) })
            times["5 dB", default: []].append(seconds { db = Decibels.powerToDB(mel) })
            times["6 mfcc", default: []].append(seconds { mfcc = dct.apply(db) })
            times["7 pool", default: []].append(seconds { _ = Pooling.pool(mfcc, statistics: options.pooling) })
        }
    }
    for (k, v) in times.sorted(by: { $0.key < $1.key }) { print(String(format: "  %@: %.2f ms per clip (median)", k, median(v) * 1000)) }
}

guard arguments.limits else { exit(0) }

// MARK: The bound: bare libsndfile decode + soxr alone + one batched FFTW transform of the same frames.

func bareDecode(_ url: URL) -> [Float] {
    var info = SF_INFO()
    let file = sf_open(url.path, Int32(SFM_READ), &info)!
    defer { sf_close(file) }
    var out = [Float](repeating: 0, count: Int(info.frames) * Int(info.channels))
    let got = out.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, info.frames) }
    precondition(got == info.frames)
    return out
}

let interleaved = files.map(bareDecode)
let mono = interleaved.map { x in stride(from: 0, to: x.count, by: 2).map { (x[$0] + x[$0 + 1]) / 2 } }
let resampled = try mono.map { try Resampler.resample($0, from: 44100, to: 22050) }
let framesPerFile = resampled.map { 1 + $0.count / 512 }

var decodeTimes: [(wall: Double, cpu: Double)] = [], soxrTimes = decodeTimes, fftTimes = decodeTimes
let n: Int32 = 2048, bins = 1025
for _ in 0..<arguments.runs {
    decodeTimes.append(timed { for f in files { _ = bareDecode(f) } })
    soxrTimes.append(try timed { for m in mono { _ = try Resampler.resample(m, from: 44100, to: 22050) } })
    let total = framesPerFile.reduce(0, +)
    let input = fftwf_alloc_real(Int(n) * total)!, output = fftwf_alloc_complex(bins * total)!
    input.initialize(repeating: 0.1, count: Int(n) * total)
    var size = n
    let plan = fftwf_plan_many_dft_r2c(1, &size, Int32(total), input, nil, 1, n, output, nil, 1, Int32(bins), UInt32(FFTW_ESTIMATE))!
    // The strictest bound: the faster of one plan over all frames and a one-frame plan run per frame.
    let single = fftwf_plan_many_dft_r2c(1, &size, 1, input, nil, 1, n, output, nil, 1, Int32(bins), UInt32(FFTW_ESTIMATE))!
    let batched = timed { fftwf_execute(plan) }
    let perFrame = timed { for t in 0..<total { fftwf_execute_dft_r2c(single, input + t * Int(n), output) } }
    fftTimes.append((min(batched.wall, perFrame.wall), min(batched.cpu, perFrame.cpu)))
    fftwf_destroy_plan(plan); fftwf_destroy_plan(single); fftwf_free(input); fftwf_free(output)
}
for (label, pick) in [("wall", { (t: (wall: Double, cpu: Double)) in t.wall }), ("cpu", { $0.cpu })] {
    let (d, s, f) = (median(decodeTimes.map(pick)), median(soxrTimes.map(pick)), median(fftTimes.map(pick)))
    let frames = Double(framesPerFile.reduce(0, +))
    print(String(format: "%@: bare decode %.0fx, soxr %.0fx, rfft %.0f frames/s (%.0fx); limit %.0fx realtime",
                 label, audioSeconds / d, audioSeconds / s, frames / f, audioSeconds / f, audioSeconds / (d + s + f)))
}
