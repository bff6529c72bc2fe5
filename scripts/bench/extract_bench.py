"""`pipeline extract` on generated catalogs: throughput on 1 and 2 threads and peak memory.

For each size, a catalog with media is generated once (`pipeline generate DIR --items N --users
1000 --ratings 2N`: title, description, genres, category, price, an image and a sound per item)
with a pipeline file like pipelines/catalog.yaml pointing at it. Each round extracts it from a
cold item cache (fresh output folder) once per thread count, under `/usr/bin/time -v`, and
records wall time, CPU time (user + system) and the peak resident set size. Prints the medians,
the 2-thread speed-up (wall and CPU-normalised) and the ratio of peak RSS between sizes.

Run (from the repository root, with a release binary):
    "$(scripts/dev-venv)"/bin/python scripts/bench/extract_bench.py [--pipeline .build/release/pipeline]
        [--data /tmp/pipeline-bench] [--sizes 10000 100000] [--threads 1 2] [--rounds 1] [--output-root /dev/shm]
"""
import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess

root = pathlib.Path(__file__).resolve().parents[2]
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
FIELDS = {"wall": r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", "user": r"User time \(seconds\): ([\d.]+)",
          "system": r"System time \(seconds\): ([\d.]+)", "rss_kb": r"Maximum resident set size \(kbytes\): (\d+)"}


def seconds(clock):
    parts = [float(p) for p in clock.split(":")]
    return sum(p * 60 ** k for k, p in enumerate(reversed(parts)))


def catalog(pipeline, data, size):
    folder = data / f"catalog-{size}"
    if not (folder / "items.csv").exists():
        subprocess.run([pipeline, "generate", str(folder), "--items", str(size), "--users", "1000",
                        "--ratings", str(2 * size)], check=True, env=env)
    spec = (root / "pipelines/catalog.yaml").read_text().replace("../fixtures/catalog", str(folder))
    (folder / "pipeline.yaml").write_text(spec.replace("../runs/demo", str(folder / "run")))
    return folder


def extract(pipeline, folder, threads, output_root=None):
    out = (output_root / folder.name if output_root else folder) / f"extract-{threads}"
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run(["/usr/bin/time", "-v", pipeline, "extract", str(folder / "pipeline.yaml"), "--output", str(out),
                           "--threads", str(threads), "--quiet"], check=True, capture_output=True, text=True, env=env)
    m = {k: re.search(p, done.stderr).group(1) for k, p in FIELDS.items()}
    result = {"wall": seconds(m["wall"]), "cpu": float(m["user"]) + float(m["system"]), "rss_mb": int(m["rss_kb"]) / 1024}
    shutil.rmtree(out, ignore_errors=True)
    return result


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipeline", default=str(root / ".build/release/pipeline"))
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path("/tmp/pipeline-bench"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--output-root", type=pathlib.Path, default=None,
                        help="write the outputs and the item cache there (e.g. /dev/shm) instead of beside the catalog")
    args = parser.parse_args()
    folders = {n: catalog(args.pipeline, args.data, n) for n in args.sizes}
    runs = {(n, t): [] for n in args.sizes for t in args.threads}
    print("before:", uptime())
    for r in range(args.rounds):
        for n in args.sizes:
            for t in args.threads:
                result = extract(args.pipeline, folders[n], t, args.output_root)
                runs[(n, t)].append(result)
                print(f"round {r + 1}: {n} items, {t} thread(s): wall {result['wall']:.1f} s, CPU {result['cpu']:.1f} s, "
                      f"peak RSS {result['rss_mb']:.0f} MB   ({uptime()})", flush=True)
    print("after: ", uptime())
    med = {k: {f: statistics.median(r[f] for r in v) for f in ("wall", "cpu", "rss_mb")} for k, v in runs.items()}
    print(f"\n| items | threads | wall s | CPU s | items/s (wall) | items per CPU second | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for (n, t), m in med.items():
        print(f"| {n:,} | {t} | {m['wall']:.1f} | {m['cpu']:.1f} | {n / m['wall']:,.0f} | {n / m['cpu']:,.0f} | {m['rss_mb']:.0f} |")
    for n in args.sizes:
        if (n, 1) in med and (n, 2) in med:
            one, two = med[(n, 1)], med[(n, 2)]
            print(f"{n:,} items: 2 threads / 1 thread = {one['wall'] / two['wall']:.2f}× (wall); "
                  f"CPU per item 2 threads / 1 thread = {two['cpu'] / one['cpu']:.2f}")
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for t in args.threads:
            print(f"peak RSS {large:,} / {small:,} items, {t} thread(s): "
                  f"{med[(large, t)]['rss_mb'] / med[(small, t)]['rss_mb']:.2f}")


if __name__ == "__main__":
    main()
