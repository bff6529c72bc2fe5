"""Golden forward/backward values and ten optimiser steps of the fused rating model, in PyTorch.

Mirrors Recommender.FusionModel exactly, on a tiny catalog: an "audio" projection encoder with one
item missing (learned missing vector, a one-row sparse table, + mask bit), a multi-hot "genres" field (mean embedding bag,
out-of-vocabulary id 0), item-id and user-id embeddings with an unknown row, user and item biases,
a mean-pooled history that leaves each example's target item out, leave-one-out user statistics,
item and user tower Linears, and the head mu + b_u + b_i + <w, v> + MLP([w, v, w*v]).
Every third step is a step of the ranking objective instead (FusionModel+Ranking): for a batch of
users, the user tower without the id (unknown row) over the whole history, item vectors of the
candidates, logits scale*<w, v> + c_i - logQ_i, and the softmax loss of each user's train items,
weighted by RANK_WEIGHT; one ranking batch runs over every item (exact), the other over a subset
with log-Q corrections.
Embedding tables are sparse (SparseAdam), dense weights use Adam; touched embedding rows get an
L2 term lambda*theta. All random dropouts are off, so both frameworks see the same computation.

Run: python scripts/golden/fusion_model.py [--shared]  (in the environment of scripts/dev-venv;
versions: scripts/golden/requirements.txt). Writes fixtures/golden/recommender/fusion_model.json
(the ranking's own towers, model.ranking_towers: separate) or, with --shared,
fusion_model_shared.json (the ranking scores with the rating towers).
"""
import json
import math
import pathlib
import sys

import numpy as np
import torch

torch.manual_seed(0)
rng = np.random.default_rng(3)
out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/recommender"

U, I = 5, 7
D, HID, DU, DI, PROJ, GDIM, FEAT = 4, 6, 3, 3, 2, 2, 5
LR, LAMBDA, RANK_WEIGHT = 0.01, 0.01, 0.5
# model.ranking_towers: "separate" (the default: the ranking has its own linear maps of the towers'
# inputs, width RANK_D) or "shared" (it scores with the rating towers' w and v).
SHARED = "--shared" in sys.argv
RANK_D = D if SHARED else 5

# Train ratings (user, item, rating, time); item 6 is never rated; user 4 has a single rating.
train = [(0, 0, 4.0, 1), (0, 1, 3.0, 2), (0, 2, 5.0, 3), (0, 3, 2.5, 4), (1, 0, 3.5, 1), (1, 2, 4.0, 5),
         (1, 4, 1.5, 2), (2, 1, 2.0, 7), (2, 3, 4.5, 3), (2, 4, 3.0, 1), (2, 5, 5.0, 2), (3, 0, 1.0, 9),
         (3, 5, 2.5, 8), (3, 2, 3.5, 1), (4, 4, 4.0, 1)]
genres = ["a|b", "b", "", "c|a", "b|c", "a", "d"]  # 'd' only on the unrated item: out of vocabulary
features = rng.normal(size=(I, FEAT)).astype(np.float32)
present = [True, True, True, False, True, True, True]
batches = [[int(x) for x in rng.choice(len(train), size=6, replace=False)] for _ in range(10)]

# Fitted state, as the Swift side derives it from the train rows.
train_items = sorted({i for _, i, _, _ in train})
vocab = ["<oov>"] + sorted({g for i in train_items for g in genres[i].split("|") if g})
genre_ids = [[vocab.index(g) if g in vocab else 0 for g in genres[i].split("|") if g] or [0] for i in range(I)]
history = {u: [i for (_, _, i, _) in sorted((t, k, i, r) for k, (uu, i, r, t) in enumerate(train) if uu == u)] for u in range(U)}
ratings_of = {u: [r for (uu, _, r, _) in train if uu == u] for u in range(U)}
mu = float(np.mean([np.float32(r) for _, _, r, _ in train], dtype=np.float64))
count_scale = math.log1p(max(len(ratings_of[u]) for u in range(U)))


def stats(u, leave):
    n, mean = len(ratings_of[u]), float(np.float32(sum(ratings_of[u]) / len(ratings_of[u])))
    if leave is None:  # the ranking objective: nothing left out
        pass
    elif n > 1:
        mean, n = (mean * n - leave) / (n - 1), n - 1
    else:
        n = 0
    if n == 0:
        return [0.0, 0.0]
    return [math.log1p(n) / count_scale, mean - mu]


def init(*shape, std=0.3):
    return torch.tensor(rng.normal(0, std, size=shape).astype(np.float32))


P = {
    "audio.projection.weight": init(PROJ, FEAT), "audio.projection.bias": init(PROJ),
    "item_fields.genres.weight": init(len(vocab), GDIM), "missing.audio": init(1, PROJ),
    "user.embedding.weight": init(U + 1, DU), "user.bias.weight": init(U + 1, 1),
    "item.embedding.weight": init(I + 1, DI), "item.bias.weight": init(I + 1, 1),
    "user.history.weight": init(I, D),
    "item.tower.weight": init(D, PROJ + 1 + GDIM + DI), "item.tower.bias": init(D),
    "user.tower.weight": init(D, DU + D + 2), "user.tower.bias": init(D),
    "head.0.weight": init(HID, 3 * D), "head.0.bias": init(HID),
    "head.out.weight": init(1, HID), "head.out.bias": init(1),
    "ranking.bias.weight": init(I + 1, 1), "ranking.scale": torch.tensor([1.3]),
}
if not SHARED:
    P.update({"ranking.item.tower.weight": init(RANK_D, PROJ + 1 + GDIM + DI),  # no bias: the softmax cannot see it
              "ranking.user.tower.weight": init(RANK_D, DU + D + 2), "ranking.user.tower.bias": init(RANK_D)})
ITEM_TOWER = "item.tower" if SHARED else "ranking.item.tower"
USER_TOWER = "user.tower" if SHARED else "ranking.user.tower"
initial = {k: v.clone() for k, v in P.items()}
sparse = ["missing.audio", "item_fields.genres.weight", "user.embedding.weight", "user.bias.weight", "item.embedding.weight",
          "item.bias.weight", "user.history.weight", "ranking.bias.weight"]
params = {k: torch.nn.Parameter(v) for k, v in P.items()}
dense_opt = torch.optim.Adam([params[k] for k in P if k not in sparse], lr=LR)
sparse_opt = torch.optim.SparseAdam([params[k] for k in sparse], lr=LR)


def bag_mean(table, bags):
    offsets = torch.tensor([0] + list(np.cumsum([len(b) for b in bags])[:-1]), dtype=torch.long)
    flat = torch.tensor([x for b in bags for x in b], dtype=torch.long)
    return torch.nn.functional.embedding_bag(flat, table, offsets, mode="mean", sparse=True)


def id_row(i):
    return i if i in train_items else I  # items without train ratings use the unknown row


def item_vectors(uniq, tower="item.tower"):
    """v (through `tower`) for a list of distinct items."""
    enc_rows = [i for i in uniq if present[i]]
    proj = torch.nn.functional.linear(torch.tensor(features[enc_rows]), params["audio.projection.weight"],
                                      params["audio.projection.bias"])
    blocks = []
    for i in uniq:
        if present[i]:
            blocks.append(torch.cat([proj[enc_rows.index(i)], torch.zeros(1)]))
        else:
            missing = torch.nn.functional.embedding(torch.tensor([0]), params["missing.audio"], sparse=True)[0]
            blocks.append(torch.cat([missing, torch.ones(1)]))
    audio = torch.stack(blocks)
    gen = bag_mean(params["item_fields.genres.weight"], [genre_ids[i] for i in uniq])
    item_ids = torch.tensor([id_row(i) for i in uniq])
    ie = torch.nn.functional.embedding(item_ids, params["item.embedding.weight"], sparse=True)
    xc = torch.cat([audio, gen, ie], dim=1)
    return torch.nn.functional.linear(xc, params[tower + ".weight"], params.get(tower + ".bias"))


def forward(rows):
    users = [train[k][0] for k in rows]
    items = [train[k][1] for k in rows]
    targets = [train[k][2] for k in rows]
    uniq = list(dict.fromkeys(items))
    pos = torch.tensor([uniq.index(i) for i in items])
    v = item_vectors(uniq)[pos]
    ue = torch.nn.functional.embedding(torch.tensor(users), params["user.embedding.weight"], sparse=True)
    hist = bag_mean(params["user.history.weight"], [[j for j in history[u] if j != i] for u, i in zip(users, items)])
    st = torch.tensor([stats(u, r) for u, r in zip(users, targets)], dtype=torch.float32)
    xu = torch.cat([ue, hist, st], dim=1)
    w = torch.nn.functional.linear(xu, params["user.tower.weight"], params["user.tower.bias"])
    z = torch.cat([w, v, w * v], dim=1)
    h = torch.relu(torch.nn.functional.linear(z, params["head.0.weight"], params["head.0.bias"]))
    mlp = torch.nn.functional.linear(h, params["head.out.weight"], params["head.out.bias"])[:, 0]
    ub = torch.nn.functional.embedding(torch.tensor(users), params["user.bias.weight"], sparse=True)[:, 0]
    ib = torch.nn.functional.embedding(torch.tensor(items), params["item.bias.weight"], sparse=True)[:, 0]
    pred = mu + ub + ib + (w * v).sum(dim=1) + mlp
    return pred, torch.tensor(targets)


def ranking_loss(users, candidates, log_q):
    """Mean over users of sum over their train items of (logsumexp - s), times RANK_WEIGHT."""
    v = item_vectors(candidates, ITEM_TOWER)
    ue = torch.nn.functional.embedding(torch.tensor([U] * len(users)), params["user.embedding.weight"], sparse=True)
    hist = bag_mean(params["user.history.weight"], [history[u] for u in users])
    st = torch.tensor([stats(u, None) for u in users], dtype=torch.float32)
    w = torch.nn.functional.linear(torch.cat([ue, hist, st], dim=1), params[USER_TOWER + ".weight"], params[USER_TOWER + ".bias"])
    c = torch.nn.functional.embedding(torch.tensor([id_row(i) for i in candidates]), params["ranking.bias.weight"],
                                      sparse=True)[:, 0]
    logits = params["ranking.scale"] * (w @ v.T) + c - torch.tensor(log_q)
    log_p = torch.log_softmax(logits, dim=1)
    total = 0
    for r, u in enumerate(users):
        for i in history[u]:
            if i in candidates:
                total = total - log_p[r, candidates.index(i)]
    return RANK_WEIGHT * total / len(users)


# Ranking batches: users, candidate items, log q per candidate (0 = the exact softmax over every item).
ranking_batches = [([0, 2, 4], list(range(I)), [0.0] * I),
                   ([1, 3], [0, 2, 4, 5, 6], [-0.1, -0.5, -0.3, -0.9, -1.2])]

steps = []
first_grads = None
ranking_first_grads = None
for step, rows in enumerate(batches):
    dense_opt.zero_grad()
    sparse_opt.zero_grad()
    if step % 3 == 2:
        users, candidates, log_q = ranking_batches[(step // 3) % 2]
        loss = ranking_loss(users, candidates, log_q)
        pred = torch.zeros(0)
    else:
        pred, y = forward(rows)
        loss = ((pred - y) ** 2).mean()
    loss.backward()
    for k in sparse:  # L2 on the rows the batch touched (tables the batch did not use have no gradient)
        if params[k].grad is None:
            continue
        g = params[k].grad.coalesce()
        idx = g.indices()[0]
        params[k].grad = torch.sparse_coo_tensor(g.indices(), g.values() + LAMBDA * params[k].data[idx], g.shape,
                                             check_invariants=False)
    grads = {k: (torch.zeros_like(params[k]) if params[k].grad is None else
                 params[k].grad.to_dense() if params[k].grad.is_sparse else params[k].grad).clone() for k in P}
    if step == 0:
        first_grads = grads
    if step == 2:
        ranking_first_grads = grads
    dense_opt.step()
    sparse_opt.step()
    steps.append({"loss": float(loss.detach()), "predictions": pred.detach().tolist()})

json.dump({
    "torch": torch.__version__, "learning_rate": LR, "lambda": LAMBDA,
    "users": U, "items": I, "train": train, "genres": genres, "features": features.ravel().tolist(),
    "feature_width": FEAT, "present": present, "batches": batches, "global_mean": mu,
    "initial": {k: v.ravel().tolist() for k, v in initial.items()},
    "first_gradients": {k: v.ravel().tolist() for k, v in first_grads.items()},
    "ranking_weight": RANK_WEIGHT,
    "ranking_batches": [{"users": u, "candidates": c, "log_q": q} for u, c, q in ranking_batches],
    "ranking_first_gradients": {k: v.ravel().tolist() for k, v in ranking_first_grads.items()},
    "steps": steps,
    "final": {k: params[k].detach().ravel().tolist() for k in P},
    "shared_towers": SHARED, "ranking_dim": RANK_D,
}, open(out / ("fusion_model_shared.json" if SHARED else "fusion_model.json"), "w"))
print("wrote", out / ("fusion_model_shared.json" if SHARED else "fusion_model.json"))
