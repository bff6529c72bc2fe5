"""Runs BenchAudio (release) and the librosa peer in alternation and prints the medians and ratios
that docs/benchmarks.md records in its Audio section.

Run (after `cd Benchmarks && swift build -c release --product BenchAudio` and
`/work/venv/bin/python scripts/bench/audio_peer.py make /tmp/bench-audio`):
  /work/venv/bin/python scripts/bench/audio_compare.py /tmp/bench-audio --rounds 3
Each round runs, for WAV and FLAC and 1 and 2 threads, the Swift driver then the Python peer
(each doing 3 timed passes over the clips and reporting its median); the table takes the median of
the rounds. BLAS and OpenMP are pinned to one thread in both, so "2 threads" means 2 items at once.
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[2]
swift_driver = root / "Benchmarks/.build/release/BenchAudio"
env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")


def median_of(command):
    text = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    limit = re.search(r"limit (\d+)x", text)
    return float(re.search(r"median_x_realtime=(\d+)", text).group(1)), (float(limit.group(1)) if limit else None), text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--rounds", type=int, default=3)
    a = parser.parse_args()
    results = {}
    for r in range(a.rounds):
        for fmt in ("wav", "flac"):
            for threads in (1, 2):
                swift, limit, _ = median_of([str(swift_driver), a.directory, "--format", fmt, "--threads", str(threads),
                                             "--runs", "3"] + (["--limits"] if threads == 1 else []))
                peer, _, _ = median_of([sys.executable, str(root / "scripts/bench/audio_peer.py"), "run", a.directory,
                                        "--format", fmt, "--workers", str(threads), "--runs", "3"])
                key = (fmt, threads)
                results.setdefault(key, []).append((swift, peer, limit))
                print(f"round {r} {fmt} {threads}T: swift {swift:.0f}x, librosa {peer:.0f}x, limit {limit or '-'}", flush=True)
    print("\n| format | threads | ours (x realtime) | librosa (x realtime) | ratio | limit (1 thread) | ours / limit |")
    print("|---|---|---|---|---|---|---|")
    for (fmt, threads), rows in results.items():
        s = statistics.median(x[0] for x in rows)
        p = statistics.median(x[1] for x in rows)
        limits = [x[2] for x in rows if x[2]]
        lim = statistics.median(limits) if limits else None
        print(f"| {fmt.upper()} | {threads} | {s:.0f} | {p:.0f} | {s / p:.2f} | {f'{lim:.0f}' if lim else '-'} | "
              f"{f'{s / lim:.0%}' if lim else '-'} |")


if __name__ == "__main__":
    main()
