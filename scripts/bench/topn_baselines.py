"""numpy's EASE^R on a ratings file: fit time, and agreement with the Swift weights.

The peer is quality_peers.py's: G = XᵀX + λI in float64, np.linalg.inv, B = −P / diag(P), on
the 0/1 matrix (a repeated pair counts once). With --swift B.npy (written by
TopNBaselineBenchmark, Tests/RecommenderTests/TopNBaselineBenchmark.swift) it prints the largest
difference of the Swift float32 weights relative to max |B| and how many users get the same
top-10 list (train items excluded). Users and items are numbered in order of first appearance, as
on the Swift side.

Run: OPENBLAS_NUM_THREADS=1 "$PIPELINE_VENV"/bin/python scripts/bench/topn_baselines.py RATINGS [--swift B.npy]
"""
import argparse
import time

import numpy as np
import scipy.sparse as sp

from quality_peers import ease_weights


def first_appearance_index(column):
    _, first, inverse = np.unique(column, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ratings", help="tab-separated user, item, rating with a header line")
    ap.add_argument("--lam", type=float, default=500)
    ap.add_argument("--swift", help="EASE weights written by the Swift benchmark (.npy)")
    args = ap.parse_args()
    table = np.loadtxt(args.ratings, delimiter="\t", skiprows=1, dtype=str)
    users, items = first_appearance_index(table[:, 0]), first_appearance_index(table[:, 1])
    X = sp.csr_matrix((np.ones(len(users), np.float32), (users, items)))
    X.data[:] = 1  # a repeated pair counts once
    print(f"rows {len(users)}, users {X.shape[0]}, items {X.shape[1]}")

    started = time.perf_counter()
    B = ease_weights(X, args.lam)
    print(f"numpy EASE^R fit (float64, np.linalg.inv): {time.perf_counter() - started:.2f} s")

    if args.swift:
        ours = np.load(args.swift).astype(np.float64)
        print(f"max |B_swift − B_numpy| / max |B| = {np.abs(ours - B).max() / np.abs(B).max():.2e}")
        same = 0
        for start in range(0, X.shape[0], 500):
            rows = X[start:start + 500].toarray()
            a, b = rows @ B, rows @ ours
            a[rows > 0] = -np.inf
            b[rows > 0] = -np.inf
            same += int((np.argsort(-a, 1, kind="stable")[:, :10] == np.argsort(-b, 1, kind="stable")[:, :10]).all(1).sum())
        print(f"identical top-10 lists: {same} of {X.shape[0]} users")


if __name__ == "__main__":
    main()
