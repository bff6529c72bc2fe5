"""Golden values for the Recommender baselines and ranking metrics.

Surprise (BaselineOnly with ALS, SVD) and scikit-learn (ndcg_score) are the references.
Run: "$(scripts/dev-venv)"/bin/python scripts/golden/recommender.py   (versions: scripts/golden/requirements.txt)
Writes fixtures/golden/recommender/baselines.json and ranking.json.
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
import surprise
from sklearn.metrics import ndcg_score
from surprise import SVD, BaselineOnly, Dataset, Reader
from surprise import accuracy

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/recommender"
out.mkdir(parents=True, exist_ok=True)

# A small latent-factor rating set: 60 users, 80 items, half stars.
rng = np.random.default_rng(11)
users, items = 60, 80
p, q = rng.normal(0, 0.5, (users, 4)), rng.normal(0, 0.5, (items, 4))
bu, bi = rng.normal(0, 0.4, users), rng.normal(0, 0.4, items)
rows = []
for u in range(users):
    for i in rng.choice(items, size=25, replace=False):
        r = 3.4 + bu[u] + bi[i] + p[u] @ q[i] + rng.normal(0, 0.4)
        rows.append((u, int(i), float(np.clip(np.round(r * 2) / 2, 0.5, 5.0))))
rows = np.array(rows, dtype=object)
order = rng.permutation(len(rows))
test_rows = rows[order[:300]]
train_rows = rows[order[300:]]
# Two pairs with an unseen user and an unseen item.
test_pairs = [(int(u), int(i)) for u, i, _ in test_rows] + [(users, 3), (5, items)]

lo = min(r for _, _, r in train_rows)
hi = max(r for _, _, r in train_rows)
reader = Reader(rating_scale=(lo, hi))
df = pd.DataFrame(train_rows.tolist(), columns=["u", "i", "r"])
trainset = Dataset.load_from_df(df, reader).build_full_trainset()

baseline = BaselineOnly(bsl_options={"method": "als", "reg_u": 15, "reg_i": 10, "n_epochs": 10}, verbose=False)
baseline.fit(trainset)
baseline_pred = [baseline.predict(u, i).est for u, i in test_pairs]

svd_rmse = []
for seed in range(5):
    svd = SVD(random_state=seed)
    svd.fit(trainset)
    preds = svd.test([(int(u), int(i), float(r)) for u, i, r in test_rows])
    svd_rmse.append(accuracy.rmse(preds, verbose=False))

json.dump({
    "surprise": surprise.__version__,
    "users": users, "items": items,
    "train": [[int(u), int(i), float(r)] for u, i, r in train_rows],
    "test": [[int(u), int(i), float(r)] for u, i, r in test_rows],
    "test_pairs": test_pairs,
    "baseline_predictions": baseline_pred,
    "svd_test_rmse_mean": float(np.mean(svd_rmse)),
    "svd_test_rmse_std": float(np.std(svd_rmse)),
}, open(out / "baselines.json", "w"))

# Ranking metrics: random scores, binary relevance, several users.
cases = []
for n in range(12):
    scores = rng.permutation(40).astype(float)  # distinct scores: no ties
    relevant = sorted(rng.choice(40, size=int(rng.integers(1, 8)), replace=False).tolist())
    truth = np.zeros(40)
    truth[relevant] = 1
    ranked = np.argsort(-scores).tolist()
    for k in (1, 5, 10):
        hits = len(set(ranked[:k]) & set(relevant))
        cases.append({
            "scores": scores.tolist(), "relevant": relevant, "k": k,
            "precision": hits / k, "recall": hits / len(relevant), "hit_rate": float(hits > 0),
            "ndcg": float(ndcg_score(truth[None, :], scores[None, :], k=k)),
        })
json.dump({"sklearn": sklearn.__version__, "cases": cases}, open(out / "ranking.json", "w"), indent=0)
print("wrote", out)
