"""librosa peer of Benchmarks/Sources/BenchAudio: seconds of audio processed per second.

Per clip, the same work as AudioFeatureExtractor with the librosa preset: soundfile load (through
librosa.load), mono, resample to 22050 Hz (soxr_hq), melspectrogram (2048/512, 128 mels),
power_to_db, mfcc (20), mean and std over time.

Run:
  "$(scripts/dev-venv)"/bin/python scripts/bench/audio_peer.py make DIR [--count 8]   # 30 s 44.1 kHz stereo WAV + FLAC
  OPENBLAS_NUM_THREADS=1 "$(scripts/dev-venv)"/bin/python scripts/bench/audio_peer.py run DIR --format wav --workers 1 --runs 5
Prints one line per run and a final `median_x_realtime=` line.
"""
import argparse
import pathlib
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np


def make(directory, count):
    import scipy.signal
    import soundfile as sf
    directory.mkdir(parents=True, exist_ok=True)
    sr, seconds = 44100, 30
    t = np.arange(sr * seconds) / sr
    for i in range(count):
        rng = np.random.default_rng(100 + i)
        # A "music-like" mix: a few harmonics with vibrato, a chirp, percussive noise bursts.
        f0 = 110 * 2 ** (rng.integers(0, 24) / 12)
        tone = sum(np.sin(2 * np.pi * f0 * k * t + 0.3 * np.sin(2 * np.pi * 5 * t)) / k for k in range(1, 6))
        sweep = scipy.signal.chirp(t, 200, seconds, 6000, method="logarithmic")
        bursts = rng.standard_normal(len(t)) * (np.sin(2 * np.pi * 2 * t) > 0.95)
        left = 0.3 * tone / 2 + 0.1 * sweep + 0.2 * bursts
        right = 0.3 * np.roll(tone, 441) / 2 + 0.1 * sweep + 0.2 * np.roll(bursts, 2000)
        y = np.clip(np.stack([left, right], axis=1), -1, 1).astype(np.float32)
        sf.write(directory / f"clip{i:02d}.wav", y, sr, subtype="PCM_16")
        sf.write(directory / f"clip{i:02d}.flac", y, sr, subtype="PCM_16")
    print(f"wrote {count} WAV and {count} FLAC clips of {seconds} s to {directory}")


def features(path):
    import librosa
    y, sr = librosa.load(path, sr=22050)
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=2048, hop_length=512, n_mels=128)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=20)
    return np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]), len(y) / sr


def run(directory, fmt, workers, runs):
    import librosa  # noqa: F401  (import cost outside the timing)
    files = sorted(str(p) for p in directory.glob(f"*.{fmt}"))
    features(files[0])  # warm caches (filter bank, FFT plans, imports in workers below)
    results, cpu_results = [], []
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(features, files[:workers]))
        for r in range(runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            audio_seconds = sum(s for _, s in pool.map(features, files)) if workers > 1 else \
                sum(features(f)[1] for f in files)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            results.append(audio_seconds / elapsed)
            cpu_results.append(audio_seconds / cpu)
            print(f"run {r}: {len(files)} files, {audio_seconds:.0f} s of audio in {elapsed:.3f} s ({cpu:.3f} s CPU) "
                  f"= {results[-1]:.0f}x realtime")
    print(f"median_x_realtime={statistics.median(results):.0f}")
    if workers == 1:  # with a pool the work runs in other processes, whose CPU time is not ours
        print(f"median_x_realtime_per_cpu_second={statistics.median(cpu_results):.0f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["make", "run"])
    parser.add_argument("directory", type=pathlib.Path)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--format", default="wav")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    a = parser.parse_args()
    make(a.directory, a.count) if a.command == "make" else run(a.directory, a.format, a.workers, a.runs)


if __name__ == "__main__":
    sys.exit(main())
