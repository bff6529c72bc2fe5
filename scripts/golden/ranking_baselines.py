"""Golden values for the top-N baselines: popularity, EASE^R and item-kNN, from numpy/scipy.

EASE^R is Steck's closed form (WWW 2019) on the whole catalog in float64 with np.linalg.inv, so the
Swift side's restriction to rated items and its float32 Cholesky inverse are both checked.
Item-kNN is the full cosine matrix, pruned per target item to its most similar others (equal
similarities keep the smaller index).

Run: "$PIPELINE_VENV"/bin/python scripts/golden/ranking_baselines.py   (the environment of
scripts/dev-venv; versions: scripts/golden/requirements.txt)
Writes fixtures/golden/recommender/ranking_baselines.json.
"""
import json
import pathlib

import numpy as np
import scipy
import scipy.sparse as sp

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/recommender"
out.mkdir(parents=True, exist_ok=True)

# 30 users × 25 items with skewed popularity; items 4, 11 and 23 are never drawn (nor, as it
# happens, 1, 7 and 12), user 29 has no rows, and ten pairs appear twice with another rating (they
# must count once in X). With 3 neighbours, item 18's third place is a three-way tie.
rng = np.random.default_rng(23)
users, items = 30, 25
never_rated = [4, 11, 23]
rated = [i for i in range(items) if i not in never_rated]
popular = rng.dirichlet(np.full(len(rated), 0.7))  # skewed item popularity
rows = []
for u in range(users - 1):
    for i in rng.choice(rated, size=int(rng.integers(3, 12)), replace=False, p=popular):
        rows.append((u, int(i), float(rng.integers(1, 6))))
for k in rng.choice(len(rows), size=10, replace=False):
    u, i, _ = rows[k]
    rows.append((u, i, float(rng.integers(1, 6))))
rows = [rows[k] for k in rng.permutation(len(rows))]
u_idx = np.array([r[0] for r in rows])
i_idx = np.array([r[1] for r in rows])

X = sp.csr_matrix((np.ones(len(rows)), (u_idx, i_idx)), shape=(users, items))
X.data[:] = 1.0  # duplicates were summed on construction: binarise
Xd = X.toarray()
score_users = [0, 5, 13, 22, 29]

popularity = np.bincount(i_idx, minlength=items).astype(float)  # rows, repeated pairs included

ease = []
for lam in (500.0, 5.0):
    G = Xd.T @ Xd + lam * np.eye(items)
    P = np.linalg.inv(G)
    B = P / (-np.diag(P))
    np.fill_diagonal(B, 0.0)
    ease.append({"lambda": lam, "B": B.tolist(), "scores": (Xd[score_users] @ B).tolist()})

C = Xd.T @ Xd
n = np.diag(C).copy()
with np.errstate(divide="ignore", invalid="ignore"):
    S = C / np.sqrt(np.outer(n, n))  # same float64 operations as the Swift side, so ties agree
S[~np.isfinite(S)] = 0.0
np.fill_diagonal(S, 0.0)

knn = []
for k in (3, 100):
    kept = np.zeros_like(S)
    similar = []
    for j in range(items):
        order = [i for i in np.lexsort((np.arange(items), -S[:, j])) if S[i, j] > 0][:k]
        kept[order, j] = S[order, j]
        similar.append([[int(i), float(S[i, j])] for i in order])
    knn.append({"neighbors": k, "similar": similar, "scores": (Xd[score_users] @ kept).tolist()})

json.dump({
    "numpy": np.__version__, "scipy": scipy.__version__,
    "users": users, "items": items,
    "train": [[u, i, r] for u, i, r in rows],
    "score_users": score_users,
    "popularity": popularity.tolist(),
    "ease": ease,
    "knn": knn,
}, open(out / "ranking_baselines.json", "w"))
print("wrote", out / "ranking_baselines.json")
