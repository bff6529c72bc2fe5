"""Golden values for NeuralNet from PyTorch: each layer's forward and backward, the losses, the
optimizers (Adam, AdamW, SparseAdam, SGD), gradient clipping, learning-rate schedules, and ten
training steps of a small fusion-like model with Adam + SparseAdam and with SGD + momentum.

Run: "$(scripts/dev-venv)"/bin/python scripts/golden/neuralnet.py   (versions: scripts/golden/requirements.txt)
Writes fixtures/golden/neuralnet/{layers,optimizers,fusion}.json. Every input (weights, ids,
gradients) is drawn here with a fixed numpy seed, written to the JSON in float32, and the Swift
tests rebuild the same layers from those numbers; PyTorch computes all expected outputs.
"""
import json
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/neuralnet"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(20261129)


def normal(*shape, std=1.0):
    return (rng.standard_normal(shape) * std).astype(np.float32)


def flat(t):
    """float32 values as a flat list (exact: each float32 is a Python float)."""
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    return a.astype(np.float32).ravel().tolist()


def leaf(a):
    return torch.tensor(a, requires_grad=True)


def write(name, payload):
    payload = {"torch": torch.__version__, **payload}
    with open(out / name, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    print("wrote", out / name)


# ---------------------------------------------------------------- layers
def linear_case():
    n, i, o = 4, 5, 3
    x, w, b, dy = normal(n, i), normal(o, i, std=0.4), normal(o, std=0.4), normal(n, o)
    xt, wt, bt = leaf(x), leaf(w), leaf(b)
    y = F.linear(xt, wt, bt)
    y.backward(torch.tensor(dy))
    return {"n": n, "in": i, "out": o, "x": flat(x), "w": flat(w), "b": flat(b), "dy": flat(dy),
            "y": flat(y), "dx": flat(xt.grad), "dw": flat(wt.grad), "db": flat(bt.grad)}


def embedding_case():
    count, dim = 6, 3
    table, ids = normal(count, dim), [4, 0, 4, 2, 5, 4]
    dy = normal(len(ids), dim)
    emb = torch.nn.Embedding(count, dim)
    with torch.no_grad():
        emb.weight.copy_(torch.tensor(table))
    y = emb(torch.tensor(ids))
    y.backward(torch.tensor(dy))
    return {"count": count, "dim": dim, "table": flat(table), "ids": ids, "dy": flat(dy),
            "y": flat(y), "dtable": flat(emb.weight.grad)}


def embedding_bag_case():
    count, dim = 7, 3
    table = normal(count, dim)
    # Bags: [3, 1, 3], [], [6], [0, 2, 5, 2], [] (an empty bag in the middle and at the end).
    offsets, indices = [0, 3, 3, 4, 8, 8], [3, 1, 3, 6, 0, 2, 5, 2]
    weights = rng.uniform(0.1, 2.0, len(indices)).astype(np.float32)
    dy = normal(len(offsets) - 1, dim)
    modes = {}
    for ours, torch_mode, psw in [("sum", "sum", None), ("mean", "mean", None), ("weightedSum", "sum", weights)]:
        bag = torch.nn.EmbeddingBag(count, dim, mode=torch_mode, include_last_offset=True)
        with torch.no_grad():
            bag.weight.copy_(torch.tensor(table))
        y = bag(torch.tensor(indices), torch.tensor(offsets),
                per_sample_weights=None if psw is None else torch.tensor(psw))
        y.backward(torch.tensor(dy))
        modes[ours] = {"y": flat(y), "dtable": flat(bag.weight.grad)}
    return {"count": count, "dim": dim, "table": flat(table), "offsets": offsets, "indices": indices,
            "weights": flat(weights), "dy": flat(dy), "modes": modes}


def relu_case():
    x = normal(3, 4)
    x[0, 1] = 0.0  # the kink: PyTorch's gradient there is 0
    dy = normal(3, 4)
    xt = leaf(x)
    y = torch.relu(xt)
    y.backward(torch.tensor(dy))
    return {"shape": [3, 4], "x": flat(x), "dy": flat(dy), "y": flat(y), "dx": flat(xt.grad)}


def concat_case():
    n, widths = 3, [2, 1, 3]
    parts = [normal(n, w) for w in widths]
    leaves = [leaf(p) for p in parts]
    y = torch.cat(leaves, dim=1)
    dy = normal(n, sum(widths))
    y.backward(torch.tensor(dy))
    return {"n": n, "widths": widths, "parts": [flat(p) for p in parts], "dy": flat(dy), "y": flat(y),
            "dparts": [flat(p.grad) for p in leaves]}


def sequential_case():
    n, i, h, o = 5, 4, 6, 2
    x, dy = normal(n, i), normal(n, o)
    w1, b1, w2, b2 = normal(h, i, std=0.5), normal(h, std=0.5), normal(o, h, std=0.5), normal(o, std=0.5)
    xt, w1t, b1t, w2t, b2t = map(leaf, (x, w1, b1, w2, b2))
    y = F.linear(torch.relu(F.linear(xt, w1t, b1t)), w2t, b2t)
    y.backward(torch.tensor(dy))
    return {"n": n, "in": i, "hidden": h, "out": o, "x": flat(x), "w1": flat(w1), "b1": flat(b1),
            "w2": flat(w2), "b2": flat(b2), "dy": flat(dy), "y": flat(y), "dx": flat(xt.grad),
            "dw1": flat(w1t.grad), "db1": flat(b1t.grad), "dw2": flat(w2t.grad), "db2": flat(b2t.grad)}


def loss_cases():
    n = 7
    p, t, w = normal(n), normal(n), rng.uniform(0.0, 3.0, n).astype(np.float32)
    logits = normal(n, std=3.0)
    logits[0], logits[1] = 40.0, -40.0  # saturated: the stable form must not overflow
    labels = rng.integers(0, 2, n).astype(np.float32)
    labels[2] = 0.3  # a soft label
    cases = {}
    for name, fn, a, b, weight in [
        ("mse", lambda x, y, _: F.mse_loss(x, y), p, t, None),
        ("mse_weighted", lambda x, y, ww: (ww * (x - y) ** 2).mean(), p, t, w),
        ("bce", lambda x, y, _: F.binary_cross_entropy_with_logits(x, y), logits, labels, None),
        ("bce_weighted", lambda x, y, ww: F.binary_cross_entropy_with_logits(x, y, weight=ww), logits, labels, w),
    ]:
        at = leaf(a)
        loss = fn(at, torch.tensor(b), None if weight is None else torch.tensor(weight))
        loss.backward()
        cases[name] = {"predictions": flat(a), "targets": flat(b), "weights": None if weight is None else flat(weight),
                       "loss": float(loss.detach()), "gradient": flat(at.grad)}
    return cases


# ---------------------------------------------------------------- optimizers
def dense_optimizer_runs():
    initial = normal(2, 3)
    grads = [normal(2, 3) for _ in range(5)]
    configs = {
        "adam": lambda p: torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
        "adamw": lambda p: torch.optim.Adam([p], lr=0.05, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.2,
                                            decoupled_weight_decay=True),
        "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.05),
        "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.5, nesterov=True),
        "sgd_plain": lambda p: torch.optim.SGD([p], lr=0.3),
    }
    runs = {}
    for name, make in configs.items():
        p = torch.nn.Parameter(torch.tensor(initial))
        opt = make(p)
        values = []
        for g in grads:
            p.grad = torch.tensor(g)
            opt.step()
            values.append(flat(p))
        runs[name] = values
    return {"shape": [2, 3], "initial": flat(initial), "grads": [flat(g) for g in grads], "runs": runs}


def sparse_adam_run():
    rows, dim = 6, 2
    initial = normal(rows, dim)
    # Touched rows per step (repeats accumulate; row 5 is never touched; step 3 touches nothing).
    touched = [[1, 3], [3, 3, 0], [], [4, 1], [1]]
    table = torch.nn.Parameter(torch.tensor(initial))
    opt = torch.optim.SparseAdam([table], lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    steps, values = [], []
    for ids in touched:
        contributions = normal(len(ids), dim)
        if ids:
            table.grad = torch.sparse_coo_tensor(torch.tensor([ids]), torch.tensor(contributions), (rows, dim),
                                                 check_invariants=True)
            opt.step()
        steps.append({"rows": ids, "contributions": flat(contributions)})
        values.append(flat(table))
    return {"shape": [rows, dim], "initial": flat(initial), "lr": 0.1, "betas": [0.9, 0.99], "eps": 1e-8,
            "steps": steps, "values": values}


def clip_cases():
    grads = [normal(2, 3), normal(4)]
    cases = {}
    for name, max_norm in [("clipped", 1.5), ("unclipped", 100.0)]:
        params = [torch.nn.Parameter(torch.zeros_like(torch.tensor(g))) for g in grads]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        cases[name] = {"max_norm": max_norm, "total_norm": float(total), "grads": [flat(p.grad) for p in params]}
    return {"grads": [flat(g) for g in grads], "cases": cases}


def schedule_cases():
    def rates(make, epochs, metrics=None):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        seen = []
        for e in range(epochs):
            if metrics is None:
                seen.append(opt.param_groups[0]["lr"])
                opt.step()
                sched.step()
            else:
                sched.step(metrics[e])
                seen.append(opt.param_groups[0]["lr"])
        return seen

    lrs = torch.optim.lr_scheduler
    metrics = [1.0, 0.9, 0.95, 0.9, 0.9, 0.89995, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.6, 0.65, 0.65]
    return {
        "base": 0.1,
        "step": {"every": 3, "factor": 0.5, "rates": rates(lambda o: lrs.StepLR(o, 3, 0.5), 10)},
        "exponential": {"factor": 0.9, "rates": rates(lambda o: lrs.ExponentialLR(o, 0.9), 10)},
        "cosine": {"steps": 8, "minimum": 0.001,
                   "rates": rates(lambda o: lrs.CosineAnnealingLR(o, T_max=8, eta_min=0.001), 9)},
        "plateau": {"factor": 0.5, "patience": 2, "threshold": 1e-4, "cooldown": 1, "minimum": 0.02,
                    "metrics": metrics,
                    "rates": rates(lambda o: lrs.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=1e-4,
                                                                   cooldown=1, min_lr=0.02), len(metrics), metrics)},
    }


# ---------------------------------------------------------------- fusion-like model, 10 steps
def fusion_runs():
    cfg = {"users": 6, "items": 5, "vocab": 12, "dim": 4, "dense": 3, "hidden": 8, "batch": 8, "steps": 10}
    d, h = cfg["dim"], cfg["hidden"]
    concat = 3 * d + cfg["dense"]
    initial = {
        "user.weight": normal(cfg["users"], d, std=0.5), "item.weight": normal(cfg["items"], d, std=0.5),
        "tokens.weight": normal(cfg["vocab"], d, std=0.5),
        "hidden.weight": normal(h, concat, std=0.3), "hidden.bias": normal(h, std=0.1),
        "output.weight": normal(1, h, std=0.3), "output.bias": np.array([3.0], dtype=np.float32),
    }
    batches = []
    for _ in range(cfg["steps"]):
        lengths = rng.integers(0, 5, cfg["batch"])
        lengths[rng.integers(0, cfg["batch"])] = 0  # at least one empty bag per batch
        tokens = rng.integers(0, cfg["vocab"], int(lengths.sum()))
        batches.append({
            "users": rng.integers(0, cfg["users"] - 1, cfg["batch"]).tolist(),  # the last user is never seen
            "items": rng.integers(0, cfg["items"], cfg["batch"]).tolist(),
            "offsets": [0] + np.cumsum(lengths).tolist(), "tokens": tokens.tolist(),
            "token_weights": flat(rng.uniform(0.2, 1.5, len(tokens)).astype(np.float32)),
            "dense": flat(normal(cfg["batch"], cfg["dense"])),
            "ratings": flat(rng.integers(1, 6, cfg["batch"]).astype(np.float32)),
        })

    def run(sparse, make_optimizers):
        mods = {
            "user": torch.nn.Embedding(cfg["users"], d, sparse=sparse),
            "item": torch.nn.Embedding(cfg["items"], d, sparse=sparse),
            "tokens": torch.nn.EmbeddingBag(cfg["vocab"], d, mode="sum", include_last_offset=True, sparse=sparse),
            "hidden": torch.nn.Linear(concat, h), "output": torch.nn.Linear(h, 1),
        }
        params = {f"{m}.{k}": p for m, mod in mods.items() for k, p in mod.named_parameters()}
        with torch.no_grad():
            for name, p in params.items():
                p.copy_(torch.tensor(initial[name]).reshape(p.shape))
        optimizers = make_optimizers(params)
        losses, snapshots = [], []
        for b in batches:
            for o in optimizers:
                o.zero_grad()
            x = torch.cat([
                mods["user"](torch.tensor(b["users"])), mods["item"](torch.tensor(b["items"])),
                mods["tokens"](torch.tensor(b["tokens"], dtype=torch.long), torch.tensor(b["offsets"]),
                               per_sample_weights=torch.tensor(b["token_weights"], dtype=torch.float32)),
                torch.tensor(b["dense"], dtype=torch.float32).reshape(cfg["batch"], cfg["dense"]),
            ], dim=1)
            prediction = mods["output"](torch.relu(mods["hidden"](x))).squeeze(1)
            loss = F.mse_loss(prediction, torch.tensor(b["ratings"], dtype=torch.float32))
            loss.backward()
            for o in optimizers:
                o.step()
            losses.append(float(loss.detach()))
            snapshots.append({name: flat(p) for name, p in params.items()})
        return {"losses": losses, "parameters": snapshots}

    tables = ["user.weight", "item.weight", "tokens.weight"]
    adam = run(True, lambda ps: [
        torch.optim.SparseAdam([ps[n] for n in tables], lr=0.01),
        torch.optim.Adam([p for n, p in ps.items() if n not in tables], lr=0.01)])
    sgd = run(False, lambda ps: [torch.optim.SGD(list(ps.values()), lr=0.02, momentum=0.9, weight_decay=1e-3)])
    return {"config": cfg, "initial": {k: flat(v) for k, v in initial.items()}, "batches": batches,
            "adam": {"lr": 0.01, **adam}, "sgd": {"lr": 0.02, "momentum": 0.9, "weight_decay": 1e-3, **sgd}}


write("layers.json", {"linear": linear_case(), "embedding": embedding_case(), "embedding_bag": embedding_bag_case(),
                      "relu": relu_case(), "concat": concat_case(), "sequential": sequential_case(),
                      "losses": loss_cases()})
write("optimizers.json", {"dense": dense_optimizer_runs(), "sparse_adam": sparse_adam_run(), "clip": clip_cases(),
                          "schedules": schedule_cases()})
write("fusion.json", fusion_runs())
