"""scikit-learn's TfidfVectorizer().fit_transform on a corpus of one document per line: the peer
of Benchmarks/Sources/BenchText. Prints one JSON line like the Swift driver.

Run: "$(scripts/dev-venv)"/bin/python scripts/bench/text_tfidf_peer.py CORPUS
     "$(scripts/dev-venv)"/bin/python scripts/bench/text_tfidf_peer.py --write CORPUS [--count 100000]
     (writes the benchmark corpus: scripts/golden/text_corpus.py, seed 2026)
"""
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "golden"))


def write(path: str, count: int):
    from text_corpus import corpus
    docs = corpus(count, seed=2026)
    assert not any("\n" in d for d in docs)
    pathlib.Path(path).write_text("".join(d + "\n" for d in docs), encoding="utf-8")


def run(path: str):
    from sklearn.feature_extraction.text import TfidfVectorizer
    docs = pathlib.Path(path).read_text(encoding="utf-8").split("\n")[:-1]
    start, cpu = time.perf_counter(), time.process_time()
    X = TfidfVectorizer().fit_transform(docs)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"config": "scikit-learn", "threads": 1, "documents": len(docs),
                      "bytes": sum(len(d.encode()) for d in docs), "vocabulary": X.shape[1], "nnz": X.nnz,
                      "seconds": seconds, "cpu_seconds": cpu}, sort_keys=True))


if __name__ == "__main__":
    if sys.argv[1] == "--write":
        count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 100_000
        write(sys.argv[2], count)
    else:
        run(sys.argv[1])
