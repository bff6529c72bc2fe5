"""Model quality of a finished `pipeline run` beside the classical peers, on the run's own split.

Reads the run folder (stages/preprocess/ratings.safetensors, stages/split/split.safetensors and
metrics.json), fits the peers on the same train rows, evaluates them with the pipeline's protocol
and prints one table with the ratios the issue tracker asks for:

  rating peers   Surprise BaselineOnly (ALS), SVD and SVD++ with Surprise's defaults
  ranking peers  popularity (train interaction counts) and EASE^R (Steck 2019, λ = 500, on the
                 train rows as 0/1); SVD and SVD++ are ranked by their unclipped scores too

Protocol (Sources/Recommender/Evaluation/Evaluator.swift): RMSE over every test row of a bucket;
for ranking, every user with a relevant test row (rating ≥ the run's relevance threshold) ranks
every catalog item they did not rate in train or validation; NDCG@K and Recall@K are means over
those users. Ties go to the smaller item index (a stable sort of the negated scores).

Run: scripts/bench-quality (it runs the pipeline first), or
    python scripts/bench/quality_peers.py RUN_DIR [--skip-svdpp] [--implicit]
"""
import argparse
import json
import time

import numpy as np
import scipy.sparse as sp
from safetensors import safe_open
from safetensors.numpy import load_file

BUCKETS = ["all", "warm", "cold-item", "cold-user"]


def load(run):
    r = load_file(f"{run}/stages/preprocess/ratings.safetensors")
    s = load_file(f"{run}/stages/split/split.safetensors")
    meta = safe_open(f"{run}/stages/preprocess/ratings.safetensors", "np").metadata()
    metrics = json.load(open(f"{run}/metrics.json"))
    return dict(users=r["users"].astype(np.int64), items=r["items"].astype(np.int64), ratings=r["ratings"].astype(np.float64),
                parts=s["parts"], buckets=s["buckets"], n_users=len(json.loads(meta["user_ids"])),
                n_items=len(json.loads(meta["item_ids"])), metrics=metrics)


def ranking(d, score_users, k=10, threshold=None):
    """NDCG@k, Recall@k over users with a relevant test row; score_users(us) → (len(us), n_items)."""
    t = d["metrics"]["relevance_threshold"] if threshold is None else threshold
    seen = (d["parts"] == 0) | (d["parts"] == 1)
    relevant = (d["parts"] == 2) & (d["ratings"] >= t)
    users = np.unique(d["users"][relevant])
    rel = {}
    for u, i in zip(d["users"][relevant], d["items"][relevant]):
        rel.setdefault(u, set()).add(i)
    disc = 1 / np.log2(np.arange(2, k + 2))
    ndcg, recall = [], []
    for start in range(0, len(users), 256):
        us = users[start:start + 256]
        row = {u: j for j, u in enumerate(us)}
        scores = np.array(score_users(us), dtype=np.float64)
        m = seen & np.isin(d["users"], us)
        scores[[row[u] for u in d["users"][m]], d["items"][m]] = -np.inf
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        for j, u in enumerate(us):
            hits = np.array([i in rel[u] for i in top[j]])
            ndcg.append((hits * disc).sum() / disc[:min(k, len(rel[u]))].sum())
            recall.append(hits.sum() / len(rel[u]))
    return float(np.mean(ndcg)), float(np.mean(recall))


def ease_weights(X, lam):
    """EASE^R's B (Steck 2019) for the sparse users × items matrix X: float64, np.linalg.inv."""
    gram = (X.T @ X).toarray().astype(np.float64)
    gram[np.diag_indices_from(gram)] += lam
    inverse = np.linalg.inv(gram)
    B = inverse / (-np.diag(inverse))
    B[np.diag_indices_from(B)] = 0
    return B


def rmse_by_bucket(d, predict):
    test = d["parts"] == 2
    p = predict(d["users"][test], d["items"][test])
    lo, hi = d["ratings"][d["parts"] == 0].min(), d["ratings"][d["parts"] == 0].max()
    err = np.clip(p, lo, hi) - d["ratings"][test]
    out = {"all": float(np.sqrt(np.mean(err ** 2)))}
    for b, name in enumerate(BUCKETS[1:]):
        m = d["buckets"][test] == b
        if m.any():
            out[name] = float(np.sqrt(np.mean(err[m] ** 2)))
    return out


def surprise_models(d, skip_svdpp):
    import pandas as pd
    from surprise import SVD, BaselineOnly, Dataset, Reader, SVDpp
    tr = d["parts"] == 0
    lo, hi = d["ratings"][tr].min(), d["ratings"][tr].max()
    frame = pd.DataFrame({"u": d["users"][tr], "i": d["items"][tr], "r": d["ratings"][tr]})
    trainset = Dataset.load_from_df(frame, Reader(rating_scale=(lo, hi))).build_full_trainset()
    models = [("BaselineOnly", BaselineOnly(verbose=False)), ("SVD", SVD(random_state=0))]
    if not skip_svdpp:
        models.append(("SVD++", SVDpp(random_state=0, cache_ratings=True)))
    for name, algo in models:
        started = time.time()
        algo.fit(trainset)
        yield name, algo, trainset, time.time() - started


def factor_scores(algo, trainset, d):
    """Unclipped μ + b_u + b_i (+ q_iᵀ(p_u + |N(u)|^-½ Σ y_j)) for every item, from the fitted parameters."""
    mu = trainset.global_mean
    bu = np.zeros(d["n_users"]); bi = np.zeros(d["n_items"])
    inner_u = {trainset.to_raw_uid(k): k for k in trainset.all_users()}
    inner_i = {trainset.to_raw_iid(k): k for k in trainset.all_items()}
    if hasattr(algo, "bu"):
        for raw, k in inner_u.items(): bu[raw] = algo.bu[k]
        for raw, k in inner_i.items(): bi[raw] = algo.bi[k]
    else:  # BaselineOnly
        b_u, b_i = algo.bu, algo.bi
        for raw, k in inner_u.items(): bu[raw] = b_u[k]
        for raw, k in inner_i.items(): bi[raw] = b_i[k]
    q = np.zeros((d["n_items"], getattr(algo, "n_factors", 0)))
    p = np.zeros((d["n_users"], q.shape[1]))
    if hasattr(algo, "qi"):
        for raw, k in inner_i.items(): q[raw] = algo.qi[k]
        for raw, k in inner_u.items(): p[raw] = algo.pu[k]
        if hasattr(algo, "yj"):
            for raw, k in inner_u.items():
                rated = [j for j, _ in trainset.ur[k]]
                p[raw] += algo.yj[rated].sum(0) / np.sqrt(len(rated))
    return lambda us: mu + bu[us][:, None] + bi[None, :] + p[us] @ q.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--skip-svdpp", action="store_true", help="SVD++ takes minutes on 300k ratings")
    ap.add_argument("--implicit", action="store_true", help="no ratings: ranking peers only")
    ap.add_argument("--lam", type=float, default=500)
    args = ap.parse_args()
    d = load(args.run)
    tr = d["parts"] == 0
    X = sp.csr_matrix((np.ones(tr.sum(), np.float32), (d["users"][tr], d["items"][tr])), shape=(d["n_users"], d["n_items"]))
    rows = []  # (model, rmse dict, ndcg, recall, seconds)
    fused = d["metrics"]["test"]["fused"]
    rows.append(("pipeline fused", {b: fused[b]["rmse"] for b in BUCKETS if "rmse" in fused.get(b, {})},
                 fused["all"].get("ndcg@10", float("nan")), fused["all"].get("recall@10", float("nan")), None))
    for name in ["popularity", "ease"]:
        if name in d["metrics"]["test"]:
            m = d["metrics"]["test"][name]["all"]
            rows.append((f"pipeline {name}", {}, m.get("ndcg@10", float("nan")), m.get("recall@10", float("nan")), None))
    popularity = np.asarray(X.sum(0)).ravel()
    rows.append(("popularity (numpy)", {}, *ranking(d, lambda us: np.tile(popularity, (len(us), 1))), None))
    started = time.time()
    B = ease_weights(X, args.lam)
    rows.append((f"EASE^R λ={args.lam:g} (numpy)", {}, *ranking(d, lambda us: X[us] @ B), time.time() - started))
    if not args.implicit:
        for name, algo, trainset, seconds in surprise_models(d, args.skip_svdpp):
            scores = factor_scores(algo, trainset, d)
            rmse = rmse_by_bucket(d, lambda u, i: np.array([algo.predict(a, b, clip=False).est for a, b in zip(u, i)]))
            rows.append((f"Surprise {name}", rmse, *ranking(d, scores), seconds))
    print(f"{'model':28} {'RMSE all':>9} {'warm':>7} {'cold-item':>9} {'cold-user':>9} {'NDCG@10':>8} {'Recall@10':>9} {'fit s':>6}")
    for name, rmse, ndcg, recall, seconds in rows:
        cells = [f"{rmse[b]:.4f}" if b in rmse else "" for b in BUCKETS]
        print(f"{name:28} {cells[0]:>9} {cells[1]:>7} {cells[2]:>9} {cells[3]:>9} {ndcg:8.4f} {recall:9.4f} "
              f"{'' if seconds is None else f'{seconds:6.1f}':>6}")
    summary = json.load(open(f"{args.run}/summary.json"))
    seconds = {s["stage"]: s["seconds"] for s in summary.get("stages", []) if s.get("status") == "ran"}
    if "train" in seconds and "evaluate" in seconds:
        print(f"\npipeline: train {seconds['train']:.1f} s, evaluate {seconds['evaluate']:.1f} s "
              f"({seconds['evaluate'] / seconds['train']:.2f} of training)")
    by = {name: (rmse, ndcg, recall) for name, rmse, ndcg, recall, _ in rows}
    f_rmse, f_ndcg, f_recall = by["pipeline fused"]
    pop = by["popularity (numpy)"]
    ease = by[f"EASE^R λ={args.lam:g} (numpy)"]
    print(f"\nfused NDCG@10 / popularity {f_ndcg / pop[1]:.2f}×, / EASE^R {f_ndcg / ease[1]:.2f}×; "
          f"Recall@10 / popularity {f_recall / pop[2]:.2f}×")
    peers = [(n, r["all"]) for n, (r, _, _) in by.items() if n.startswith("Surprise") and "all" in r]
    if peers and "all" in f_rmse:
        best = min(peers, key=lambda x: x[1])
        print(f"fused RMSE / best Surprise ({best[0]}) {f_rmse['all'] / best[1]:.4f}×")
        if "cold-item" in f_rmse:
            base = by.get("Surprise BaselineOnly", ({},))[0].get("cold-item")
            if base:
                print(f"cold-item RMSE fused / BaselineOnly {f_rmse['cold-item'] / base:.4f}×")


if __name__ == "__main__":
    main()
