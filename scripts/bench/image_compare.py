"""Runs the image benchmark side by side, in alternation, and prints the docs/benchmarks.md table.

Each round runs, one after the other: tjbench (libjpeg-turbo's in-process decoder at 1/4 scale,
on the first JPEG), the Swift driver (JPEG and PNG, 1 and 2 threads), the Pillow + PyTorch peer
(usual and best configuration, 1 and 2 threads), and the Swift conv-stack and sgemm stages that
the limit needs. Medians over rounds are reported with the ratios.

Limit (images/s on one core) = 1 / (1/tjbench_fps + conv FLOPs / sgemm FLOP/s).

Run (after `swift build -c release` in Benchmarks/ and `image_peer.py DIR --make-data 200`):
  /work/venv/bin/python scripts/bench/image_compare.py /tmp/benchimg --rounds 3
"""
import argparse
import pathlib
import re
import statistics
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
DRIVER = ROOT / "Benchmarks/.build/release/BenchImage"
PYTHON_PEER = ["/work/venv/bin/python", str(ROOT / "scripts/bench/image_peer.py")]


def run(cmd, pattern):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(pattern, out)
    if not m:
        raise RuntimeError(f"no match for {pattern!r} in output of {cmd}:\n{out}")
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    data = pathlib.Path(a.data)
    first_jpeg = sorted((data / "jpeg").iterdir())[0]
    median_line = r"median: ([0-9.]+) images/s"
    results = {}

    def add(key, value):
        results.setdefault(key, []).append(value)

    for r in range(a.rounds):
        print(f"round {r + 1}: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}", flush=True)
        add("tjbench 1/4", run(["tjbench", str(first_jpeg), "-scale", "1/4", "-benchtime", "3", "-warmup", "1"],
                               r"Frame rate:\s+([0-9.]+) fps"))
        add("sgemm GFLOP/s", run([str(DRIVER), "--stage", "sgemm"], r"best ([0-9.]+) GFLOP/s"))
        add("conv stack only", run([str(DRIVER), "--stage", "conv", "--repeat", str(a.repeat)], median_line))
        for kind in ("jpeg", "png"):
            for threads in (1, 2):
                add(f"swift {kind} t{threads}", run([str(DRIVER), str(data / kind), "--threads", str(threads),
                                                     "--repeat", str(a.repeat)], median_line))
                for mode in ("usual", "best"):
                    add(f"peer {mode} {kind} t{threads}", run(PYTHON_PEER + [str(data / kind), "--mode", mode,
                                                              "--threads", str(threads), "--repeat", str(a.repeat)],
                                                              median_line))
        print({k: v[-1] for k, v in results.items()}, flush=True)

    med = {k: statistics.median(v) for k, v in results.items()}
    flops = 22.41e6
    limit = 1 / (1 / med["tjbench 1/4"] + flops / (med["sgemm GFLOP/s"] * 1e9))
    print("\nmedians over rounds:")
    for k, v in med.items():
        print(f"  {k}: {v:.1f}   (runs: {', '.join(f'{x:.1f}' for x in results[k])})")
    print(f"\nlimit (1 core): {limit:.1f} images/s; swift jpeg t1 = {med['swift jpeg t1'] / limit:.0%} of it")
    print("\n| input | threads | Swift (images/s) | Pillow+PyTorch usual | ratio | Pillow+PyTorch best | ratio |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("jpeg", "png"):
        for t in (1, 2):
            s, u, b = med[f"swift {kind} t{t}"], med[f"peer usual {kind} t{t}"], med[f"peer best {kind} t{t}"]
            print(f"| {kind.upper()} 640×480 | {t} | {s:.0f} | {u:.0f} | {s / u:.2f}× | {b:.0f} | {s / b:.2f}× |")


if __name__ == "__main__":
    main()
