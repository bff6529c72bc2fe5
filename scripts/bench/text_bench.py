"""Runs the TextFeatures benchmark side by side with scikit-learn, alternating, and prints a
Markdown table of medians for docs/benchmarks.md ("Text").

Run (after `cd Benchmarks && swift build -c release --product BenchText`):
    "$(scripts/dev-venv)"/bin/python scripts/bench/text_bench.py [--rounds 5] [--count 100000]
Writes the corpus once to /tmp/pipeline-text-corpus.txt (scripts/golden/text_corpus.py, seed
2026); both sides read that file. Per round: scikit-learn, then Swift sklearn-equivalent (1 and
2 threads), Swift defaults (1 and 2 threads), and the bare UTF-8 scan.
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = "/tmp/pipeline-text-corpus.txt"
PY = sys.executable
SWIFT = str(ROOT / "Benchmarks/.build/release/BenchText")


# OpenBLAS (linked through TensorCore) would otherwise start a spinning worker thread in the
# Swift driver; scikit-learn's TfidfVectorizer does no BLAS work either way.
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
    count = sys.argv[sys.argv.index("--count") + 1] if "--count" in sys.argv else "100000"
    subprocess.run([PY, str(ROOT / "scripts/bench/text_tfidf_peer.py"), "--write", CORPUS, "--count", count], check=True)
    variants = {
        "scikit-learn TfidfVectorizer()": [PY, str(ROOT / "scripts/bench/text_tfidf_peer.py"), CORPUS],
        "Swift, sklearn-equivalent, 1 thread": [SWIFT, CORPUS, "--config", "sklearn", "--threads", "1"],
        "Swift, sklearn-equivalent, 2 threads": [SWIFT, CORPUS, "--config", "sklearn", "--threads", "2"],
        "Swift, defaults (NFKC, CJK bigrams), 1 thread": [SWIFT, CORPUS, "--config", "default", "--threads", "1"],
        "Swift, defaults (NFKC, CJK bigrams), 2 threads": [SWIFT, CORPUS, "--config", "default", "--threads", "2"],
        "bare UTF-8 validation + one pass over the bytes": [SWIFT, CORPUS, "--config", "scan"],
    }
    results = {name: [] for name in variants}
    for _ in range(rounds):
        for name, cmd in variants.items():
            results[name].append(run(cmd))
    first = results["scikit-learn TfidfVectorizer()"][0]
    docs, mb = first["documents"], first["bytes"] / 1e6
    base_wall = statistics.median(r["seconds"] for r in results["scikit-learn TfidfVectorizer()"])
    base_cpu = statistics.median(r["cpu_seconds"] for r in results["scikit-learn TfidfVectorizer()"])
    print(f"{docs} documents, {mb:.1f} MB, {rounds} alternating rounds, medians\n")
    print("| variant | wall s | CPU s | docs/s | MB/s | vs scikit-learn (wall) | (CPU) | vocabulary | nnz |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, rs in results.items():
        wall = statistics.median(r["seconds"] for r in rs)
        cpu = statistics.median(r["cpu_seconds"] for r in rs)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {docs / wall:,.0f} | {mb / wall:.1f} | {base_wall / wall:.2f}x "
              f"| {base_cpu / cpu:.2f}x | {rs[0].get('vocabulary', '')} | {rs[0].get('nnz', '')} |")


if __name__ == "__main__":
    main()
