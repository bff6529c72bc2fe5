"""Runs the Swift training-step driver and its PyTorch peer in alternation and prints the medians.

Each round runs Benchmarks/.build/release/BenchTrainStep, then scripts/bench/train_step.py; the
table gives, per side, the median over the rounds of wall-clock samples/s and of samples per CPU
second (CPU time of the measuring process, far less sensitive to other jobs on a shared machine),
and the ratios. `uptime` is printed before and after.

Run (from the repository root, after `(cd Benchmarks && swift build -c release --product BenchTrainStep)`):
    /work/venv/bin/python scripts/bench/train_step_compare.py [--rounds 3] [--swift-steps 2000] [--torch-steps 500]
"""
import argparse
import pathlib
import re
import statistics
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[2]
pattern = re.compile(r"wall ([\d.]+) s\s+(\d+) samples/s\s+cpu ([\d.]+) s\s+(\d+) samples/cpu-s")


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=root).stdout
    match = pattern.search(out)
    if not match:
        sys.exit(f"unexpected output from {command[0]}: {out}")
    print("   ", out.splitlines()[0])
    return int(match.group(2)), int(match.group(4))


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--swift-steps", type=int, default=2000)
    parser.add_argument("--torch-steps", type=int, default=500)
    args = parser.parse_args()
    swift = [str(root / "Benchmarks/.build/release/BenchTrainStep"), "--steps", str(args.swift_steps)]
    torch = [sys.executable, str(root / "scripts/bench/train_step.py"), "--steps", str(args.torch_steps)]
    print("before:", uptime())
    results = {"swift": [], "pytorch": []}
    for r in range(args.rounds):
        print(f"round {r + 1}")
        results["swift"].append(run(swift))
        results["pytorch"].append(run(torch))
    print("after: ", uptime())
    med = {k: (statistics.median(v[0] for v in runs), statistics.median(v[1] for v in runs))
           for k, runs in results.items()}
    print("\n| side | samples/s (wall, median) | samples per CPU second (median) |")
    print("|---|---|---|")
    for k, (wall, cpu) in med.items():
        print(f"| {k} | {wall:,.0f} | {cpu:,.0f} |")
    print(f"| ratio swift / pytorch | {med['swift'][0] / med['pytorch'][0]:.1f}× | {med['swift'][1] / med['pytorch'][1]:.1f}× |")


if __name__ == "__main__":
    main()
