"""Runs the image benchmark side by side, in alternation, and prints the docs/benchmarks.md table.

Each round runs, one after the other: tjbench (libjpeg-turbo's in-process decoder at 1/4 scale,
on the first JPEG), the Swift driver (JPEG and PNG, 1 and 2 threads), the Pillow + PyTorch peer
(usual and best configuration, 1 and 2 threads), and the Swift conv-stack and sgemm stages that
the limit needs. Medians over rounds are reported with the ratios.

Three figures per configuration, because the machine is shared: the median over runs and rounds
of images/s by the wall clock, the best run (closest to a quiet machine; load only slows), and
images per CPU-second (all threads' CPU time, which other jobs on the machine do not inflate).
Limit (images/s on one core) = 1 / (1/tjbench_fps + conv FLOPs / sgemm FLOP/s), each at its best
over the rounds.

Run (after `swift build -c release` in Benchmarks/ and `image_peer.py DIR --make-data 200`):
  "$(scripts/dev-venv)"/bin/python scripts/bench/image_compare.py /tmp/benchimg --rounds 3
"""
import argparse
import pathlib
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DRIVER = ROOT / "Benchmarks/.build/release/BenchImage"
PYTHON_PEER = [sys.executable, str(ROOT / "scripts/bench/image_peer.py")]  # the interpreter running this script


def run(cmd, pattern):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(pattern, out)
    if not m:
        raise RuntimeError(f"no match for {pattern!r} in output of {cmd}:\n{out}")
    return tuple(float(g) for g in m.groups()) if len(m.groups()) > 1 else float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    data = pathlib.Path(a.data)
    first_jpeg = sorted((data / "jpeg").iterdir())[0]
    median_line = r"median: ([0-9.]+) images/s .*best ([0-9.]+); per CPU-second median ([0-9.]+)"
    results = {}

    def add(key, value):
        results.setdefault(key, []).append(value)

    for r in range(a.rounds):
        print(f"round {r + 1}: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}", flush=True)
        add("tjbench 1/4", run(["tjbench", str(first_jpeg), "-scale", "1/4", "-benchtime", "3", "-warmup", "1", "-nowrite"],
                               r"Frame rate:\s+([0-9.]+) fps"))
        add("sgemm GFLOP/s", run([str(DRIVER), "--stage", "sgemm"], r"best ([0-9.]+) GFLOP/s"))
        add("torch stack", run(PYTHON_PEER + [str(data / "jpeg"), "--stage", "torch", "--repeat", str(a.repeat)], median_line))
        add("conv stack only", run([str(DRIVER), "--stage", "conv", "--repeat", str(a.repeat)], median_line))
        add("decode from memory", run([str(DRIVER), str(data / "jpeg"), "--stage", "memory", "--repeat", str(a.repeat)],
                                      median_line))
        for kind in ("jpeg", "png"):
            for threads in (1, 2):
                add(f"swift {kind} t{threads}", run([str(DRIVER), str(data / kind), "--threads", str(threads),
                                                     "--repeat", str(a.repeat)], median_line))
                for mode in ("usual", "best"):
                    add(f"peer {mode} {kind} t{threads}", run(PYTHON_PEER + [str(data / kind), "--mode", mode,
                                                              "--threads", str(threads), "--repeat", str(a.repeat)],
                                                              median_line))
        print({k: v[-1] for k, v in results.items()}, flush=True)

    def summary(key):
        v = results[key]
        if isinstance(v[0], tuple):   # (median, best, per CPU-second) per round
            return statistics.median(x[0] for x in v), max(x[1] for x in v), statistics.median(x[2] for x in v)
        return statistics.median(v), max(v), None

    flops = 22.41e6
    tj, sgemm = summary("tjbench 1/4")[1], summary("sgemm GFLOP/s")[1]
    limit = 1 / (1 / tj + flops / (sgemm * 1e9))
    print("\nper figure: median / best / per CPU-second")
    for k in results:
        m, b, c = summary(k)
        print(f"  {k}: {m:.1f} / {b:.1f} / {'-' if c is None else f'{c:.1f}'}")
    sj = summary("swift jpeg t1")
    print(f"\nlimit (1 core): 1 / (1/{tj:.0f} + {flops / 1e6:.2f} MFLOP / {sgemm:.1f} GFLOP/s) = {limit:.0f} images/s;"
          f" Swift JPEG 1 thread: best {sj[1] / limit:.0%}, per CPU-second {sj[2] / limit:.0%} of it")
    print("\n| input | threads | Swift: median / best / per CPU-s | Pillow+PyTorch usual | Pillow+PyTorch best "
          "| ratio to usual (best; CPU) | ratio to best (best; CPU) |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("jpeg", "png"):
        for t in (1, 2):
            s, u, b = summary(f"swift {kind} t{t}"), summary(f"peer usual {kind} t{t}"), summary(f"peer best {kind} t{t}")
            cell = lambda x: f"{x[0]:.0f} / {x[1]:.0f} / {x[2]:.0f}"
            print(f"| {kind.upper()} 640×480 | {t} | {cell(s)} | {cell(u)} | {cell(b)} "
                  f"| {s[1] / u[1]:.2f}×; {s[2] / u[2]:.2f}× | {s[1] / b[1]:.2f}×; {s[2] / b[2]:.2f}× |")


if __name__ == "__main__":
    main()
