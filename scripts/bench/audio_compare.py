"""Runs BenchAudio (release) and the librosa peer in alternation and prints the medians and ratios
that docs/benchmarks.md records in its Audio section.

Run (after `cd Benchmarks && swift build -c release --product BenchAudio` and
`"$(scripts/dev-venv)"/bin/python scripts/bench/audio_peer.py make /tmp/bench-audio`):
  "$(scripts/dev-venv)"/bin/python scripts/bench/audio_compare.py /tmp/bench-audio --rounds 3
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
    limit = re.search(r"wall: .*limit (\d+)x", text)
    limit_cpu = re.search(r"cpu: .*limit (\d+)x", text)
    cpu = re.search(r"median_x_realtime_per_cpu_second=(\d+)", text)
    return (float(re.search(r"median_x_realtime=(\d+)", text).group(1)), (float(limit.group(1)) if limit else None),
            float(cpu.group(1)) if cpu else None, float(limit_cpu.group(1)) if limit_cpu else None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--rounds", type=int, default=3)
    a = parser.parse_args()
    results = {}
    for r in range(a.rounds):
        for fmt in ("wav", "flac"):
            for threads in (1, 2):
                swift, limit, swift_cpu, limit_cpu = median_of([str(swift_driver), a.directory, "--format", fmt, "--threads", str(threads),
                                             "--runs", "3"] + (["--limits"] if threads == 1 else []))
                peer, _, peer_cpu, _ = median_of([sys.executable, str(root / "scripts/bench/audio_peer.py"), "run", a.directory,
                                        "--format", fmt, "--workers", str(threads), "--runs", "3"])
                key = (fmt, threads)
                results.setdefault(key, []).append((swift, peer, limit, swift_cpu, peer_cpu, limit_cpu))
                print(f"round {r} {fmt} {threads}T: swift {swift:.0f}x (cpu {swift_cpu}), librosa {peer:.0f}x (cpu {peer_cpu}), "
                      f"limit {limit or '-'}", flush=True)
    print("\n| format | threads | ours (x realtime) | librosa (x realtime) | ratio | limit (1 thread) | ours / limit "
          "| per CPU second: ours / librosa / ratio | limit per CPU second | ours / limit (CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (fmt, threads), rows in results.items():
        s = statistics.median(x[0] for x in rows)
        p = statistics.median(x[1] for x in rows)
        limits = [x[2] for x in rows if x[2]]
        lim = statistics.median(limits) if limits else None
        cpu = [(x[3], x[4]) for x in rows if x[3] and x[4]]
        cs = statistics.median(c[0] for c in cpu) if cpu else None
        lcs = [x[5] for x in rows if x[5]]
        lc = statistics.median(lcs) if lcs else None
        cp = statistics.median(c[1] for c in cpu) if cpu else None
        print(f"| {fmt.upper()} | {threads} | {s:.0f} | {p:.0f} | {s / p:.2f} | {f'{lim:.0f}' if lim else '-'} | "
              f"{f'{s / lim:.0%}' if lim else '-'} | {f'{cs:.0f} / {cp:.0f} / {cs / cp:.2f}' if cpu else '-'} | "
              f"{f'{lc:.0f} | {cs / lc:.0%}' if lc and cs else '- | -'} |")


if __name__ == "__main__":
    main()
