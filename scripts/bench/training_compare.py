"""Runs a Swift training driver and its PyTorch peer in alternation and prints the medians.

Workloads (each a Swift driver under Benchmarks/ and a PyTorch peer under scripts/bench/):
  fusion          the real fused model (BenchFusion / fusion_step.py): ids + text bag + genres,
                  MLP 128-64, batch 256; 50 000 users, 20 000 items, 1M ratings
  fusion-history  the same with the mean-pooled history and user statistics (pipeline run's defaults)
  movies-epoch    one epoch of fusion-history on a movie-shaped set: 600 users, 9 000 items, 100 000 ratings
  layers          the earlier NeuralNet-only model (BenchTrainStep / train_step.py)
Per round the Swift driver runs, then the peer; the table gives per side the median over the
rounds of samples/s (wall clock) and of samples per CPU second (CPU time of the measuring
process, far less sensitive to other jobs on a shared machine), and the ratios. The peer's data
(DATA/<workload>) is written by the Swift driver (`--write`), so both train on the same ratings
and batches. `uptime` is printed before and after.

Run (from the repository root, after `(cd Benchmarks && swift build -c release)`):
    "$(scripts/dev-venv)"/bin/python scripts/bench/training_compare.py fusion [--rounds 5] [--data /tmp/pipeline-bench]
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[2]
bin_dir = root / "Benchmarks/.build/release"
pattern = re.compile(r"wall ([\d.]+) s\s+(\d+) samples/s\s+cpu ([\d.]+) s\s+(\d+) samples/cpu-s")
env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
MOVIES = ["--users", "600", "--items", "9000", "--ratings", "100000"]


def commands(workload, data, swift_steps, torch_steps):
    """(swift command, peer command, Swift driver command that writes the peer's data or None)."""
    peer = [sys.executable]
    if workload == "layers":
        return ([str(bin_dir / "BenchTrainStep"), "--steps", str(swift_steps)],
                peer + [str(root / "scripts/bench/train_step.py"), "--steps", str(torch_steps)], None)
    fusion = [str(bin_dir / "BenchFusion")]
    flags = {"fusion": [], "fusion-history": ["--history"], "movies-epoch": ["--history"] + MOVIES}[workload]
    folder = str(data / workload)
    step = fusion + flags
    if workload == "movies-epoch":  # one pass over the 390 batches on both sides
        swift = step + ["--epoch", "--warmup", "20"]
        torch = ["--steps", "390", "--batches", "390", "--warmup", "20"]
    else:
        swift = step + ["--steps", str(swift_steps)]
        torch = ["--steps", str(torch_steps)]
    return swift, peer + [str(root / "scripts/bench/fusion_step.py"), folder] + torch + (["--history"] if "--history" in flags else []), \
        step + ["--write", folder]


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=root, env=env).stdout
    match = pattern.search(out)
    if not match:
        sys.exit(f"unexpected output from {command[0]}: {out}")
    print("   ", out.splitlines()[-1])
    return int(match.group(2)), int(match.group(4))


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["fusion", "fusion-history", "movies-epoch", "layers"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--swift-steps", type=int, default=2000)
    parser.add_argument("--torch-steps", type=int, default=500)
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path("/tmp/pipeline-bench"))
    args = parser.parse_args()
    swift, torch, write = commands(args.workload, args.data, args.swift_steps, args.torch_steps)
    if write:
        subprocess.run(write, check=True, capture_output=True, cwd=root, env=env)
    print(" ".join(swift))
    print(" ".join(torch))
    print("before:", uptime())
    results = {"swift": [], "pytorch": []}
    for r in range(args.rounds):
        print(f"round {r + 1}")
        results["swift"].append(run(swift))
        results["pytorch"].append(run(torch))
    print("after: ", uptime())
    med = {k: (statistics.median(v[0] for v in runs), statistics.median(v[1] for v in runs))
           for k, runs in results.items()}
    print(f"\n{args.workload}: medians of {args.rounds} alternating rounds")
    print("| side | samples/s (wall) | samples per CPU second |")
    print("|---|---|---|")
    for k, (wall, cpu) in med.items():
        print(f"| {k} | {wall:,.0f} | {cpu:,.0f} |")
    print(f"| ratio swift / pytorch | {med['swift'][0] / med['pytorch'][0]:.2f}× | {med['swift'][1] / med['pytorch'][1]:.2f}× |")


if __name__ == "__main__":
    main()
