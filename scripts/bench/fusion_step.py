"""PyTorch peer of Benchmarks/Sources/BenchFusion: training throughput of the fused rating model
(Recommender.FusionModel, mirrored as in scripts/golden/fusion_model.py) on the same data and
batches, on one thread.

Model: item tower [genres mean bag (8) | text bag (32, weighted sum) or missing vector, mask bit |
item id (32)] -> Linear -> v (32); user tower [user id (32) (| history mean (32) | statistics (2))]
-> Linear -> w (32); prediction mu + b_u + b_i + <w, v> + MLP([w, v, w*v]) 96-128-64-1, the
batch's items encoded once each. MSE; L2 (1e-4) on the embedding rows the batch touched;
torch.optim.SparseAdam for the tables, torch.optim.Adam for the rest (lr 0.002), as the Swift
trainer does. Every batch's index tensors (unique items, bags, history bags without the target,
statistics without the target) are built before timing; the Swift side builds them inside its step.

Run: "$(scripts/dev-venv)"/bin/python scripts/bench/fusion_step.py DIR [--steps N] [--warmup N] [--history]
     (DIR written by `Benchmarks/.build/release/BenchFusion --write DIR` with the same sizes)
"""
import argparse
import json
import math
import pathlib
import time

import numpy as np
import torch
import torch.nn.functional as F

BATCH, D, GDIM, LR, LAMBDA = 256, 32, 8, 0.002, 1e-4


def load(dir):
    d = pathlib.Path(dir)
    arrays = {p.stem: np.load(p) for p in d.glob("*.npy")}
    return arrays, json.loads((d / "sizes.json").read_text())


def batch_tensors(a, rows, history, mu, count_scale):
    """Index tensors of one batch, built as FusionModel.forward builds them."""
    users, items, ratings = a["users"][rows], a["items"][rows], a["ratings"][rows]
    uniq = list(dict.fromkeys(items.tolist()))
    slot = {i: k for k, i in enumerate(uniq)}
    to, ti, tw, go, gi = a["text_offsets"], a["text_ids"], a["text_weights"], a["genre_offsets"], a["genre_ids"]
    text_ids = np.concatenate([ti[to[i]:to[i + 1]] for i in uniq])
    text_w = np.concatenate([tw[to[i]:to[i + 1]] for i in uniq])
    text_off = np.cumsum([0] + [to[i + 1] - to[i] for i in uniq])[:-1]
    g_ids = np.concatenate([gi[go[i]:go[i + 1]] for i in uniq])
    g_off = np.cumsum([0] + [go[i + 1] - go[i] for i in uniq])[:-1]
    t = {
        "users": torch.tensor(users, dtype=torch.long), "items": torch.tensor(items, dtype=torch.long),
        "uniq": torch.tensor(uniq, dtype=torch.long), "pos": torch.tensor([slot[i] for i in items.tolist()]),
        "text_ids": torch.tensor(text_ids, dtype=torch.long), "text_w": torch.tensor(text_w),
        "text_off": torch.tensor(text_off, dtype=torch.long), "g_ids": torch.tensor(g_ids, dtype=torch.long),
        "g_off": torch.tensor(g_off, dtype=torch.long), "y": torch.tensor(ratings),
    }
    if history:
        ho, hi, n, m = a["history_offsets"], a["history_ids"], a["user_count"], a["user_mean"]
        bags = [[j for j in hi[ho[u]:ho[u + 1]].tolist() if j != i] for u, i in zip(users.tolist(), items.tolist())]
        t["h_ids"] = torch.tensor([j for b in bags for j in b], dtype=torch.long)
        t["h_off"] = torch.tensor(np.cumsum([0] + [len(b) for b in bags])[:-1], dtype=torch.long)
        stats = []
        for u, r in zip(users.tolist(), ratings.tolist()):
            c, mean = int(n[u]), float(m[u])
            if c > 1:
                mean, c = (mean * c - r) / (c - 1), c - 1
            else:
                c = 0
            stats.append([math.log1p(c) / count_scale, mean - mu] if c > 0 else [0.0, 0.0])
        t["stats"] = torch.tensor(stats, dtype=torch.float32)
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--history", action="store_true")
    ap.add_argument("--batches", type=int, default=128, help="distinct batches built before timing, then cycled")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    a, sizes = load(args.dir)
    U, I, V = sizes["users"], sizes["items"], sizes["vocabulary"]
    G = int(a["genre_ids"].max()) + 1
    mu = float(a["ratings"].mean(dtype=np.float64))
    count_scale = math.log1p(int(a["user_count"].max())) if args.history else 1.0
    n_batches = min(args.batches, len(a["order"]) // BATCH)
    batches = [batch_tensors(a, a["order"][b * BATCH:(b + 1) * BATCH], args.history, mu, count_scale) for b in range(n_batches)]

    def table(rows, dim, std=0.1):
        return torch.nn.Parameter(torch.randn(rows, dim) * std)

    P = {"user.embedding": table(U + 1, D), "user.bias": table(U + 1, 1, 0), "item.embedding": table(I + 1, D),
         "item.bias": table(I + 1, 1, 0), "text.bag": table(V, D, 0.3), "missing.text": table(1, D),
         "item_fields.genres": table(G, GDIM)}
    if args.history:
        P["user.history"] = table(I, D)
    sparse = list(P)
    item_width, user_width = GDIM + D + 1 + D, D + (D + 2 if args.history else 0)
    dense = {"item.tower": torch.nn.Linear(item_width, D), "user.tower": torch.nn.Linear(user_width, D),
             "head.0": torch.nn.Linear(3 * D, 128), "head.1": torch.nn.Linear(128, 64), "head.out": torch.nn.Linear(64, 1)}
    dense_params = [p for m in dense.values() for p in m.parameters()]
    sparse_opt = torch.optim.SparseAdam([P[k] for k in sparse], lr=LR)
    dense_opt = torch.optim.Adam(dense_params, lr=LR)

    def step(t):
        sparse_opt.zero_grad()
        dense_opt.zero_grad()
        n_uniq = len(t["uniq"])
        genres = F.embedding_bag(t["g_ids"], P["item_fields.genres"], t["g_off"], mode="mean", sparse=True)
        text = F.embedding_bag(t["text_ids"], P["text.bag"], t["text_off"], mode="sum",
                               per_sample_weights=t["text_w"], sparse=True)
        mask = torch.zeros(n_uniq, 1)
        ie = F.embedding(t["uniq"], P["item.embedding"], sparse=True)
        v = dense["item.tower"](torch.cat([genres, text, mask, ie], dim=1))[t["pos"]]
        parts = [F.embedding(t["users"], P["user.embedding"], sparse=True)]
        if args.history:
            parts += [F.embedding_bag(t["h_ids"], P["user.history"], t["h_off"], mode="mean", sparse=True), t["stats"]]
        w = dense["user.tower"](torch.cat(parts, dim=1))
        h = F.relu(dense["head.1"](F.relu(dense["head.0"](torch.cat([w, v, w * v], dim=1)))))
        mlp = dense["head.out"](h)[:, 0]
        ub = F.embedding(t["users"], P["user.bias"], sparse=True)[:, 0]
        ib = F.embedding(t["items"], P["item.bias"], sparse=True)[:, 0]
        pred = mu + ub + ib + (w * v).sum(dim=1) + mlp
        loss = ((pred - t["y"]) ** 2).mean()
        loss.backward()
        for k in sparse:  # L2 on the rows the batch touched, as regularizeTouchedRows
            if P[k].grad is None:
                continue
            g = P[k].grad.coalesce()
            P[k].grad = torch.sparse_coo_tensor(g.indices(), g.values() + LAMBDA * P[k].data[g.indices()[0]], g.shape,
                                                check_invariants=False)
        dense_opt.step()
        sparse_opt.step()
        return float(loss.detach())

    for s in range(args.warmup):
        step(batches[s % n_batches])
    wall, cpu = time.perf_counter(), time.process_time()
    loss = 0.0
    for s in range(args.steps):
        loss += step(batches[(args.warmup + s) % n_batches])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    samples = args.steps * BATCH
    print(f"torch fusion{'+history' if args.history else ''} steps {args.steps} batch {BATCH} wall {wall:.3f} s "
          f"{samples / wall:.0f} samples/s cpu {cpu:.3f} s {samples / cpu:.0f} samples/cpu-s mean loss {loss / args.steps:.4f}")


if __name__ == "__main__":
    main()
