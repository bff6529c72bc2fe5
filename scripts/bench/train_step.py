"""PyTorch peer of Benchmarks/Sources/BenchTrainStep: training-step throughput of the same fused
rating model on the same batches, on one thread.

Model: user and item Embedding (32-d, sparse) + text EmbeddingBag (vocab 20k, weighted sum via
per_sample_weights, sparse) + genre EmbeddingBag (20 genres, mean, sparse) → concat (128) →
Linear 128-ReLU-Linear 64-ReLU-Linear 1 → MSE; SparseAdam for the tables, Adam for the rest
(lr 1e-3). Batches of 256 come from the same splitmix64 stream and Zipf samplers as the Swift driver
(SyntheticRatings.swift), 64 batches cycled, all tensors built before timing.

With --dense the tables are dense (sparse=False) and one torch.optim.Adam updates everything, the
other way a PyTorch user might write it (different semantics: every row's moments decay each step),
so that the comparison is against the faster of the two.

Run: "$(scripts/dev-venv)"/bin/python scripts/bench/train_step.py [--steps N] [--warmup N] [--dense]
"""
import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

MASK = (1 << 64) - 1
USERS, ITEMS, VOCAB, GENRES, DIM, BATCH = 100_000, 20_000, 20_000, 20, 32, 256


class SplitMix:
    def __init__(self, state):
        self.state = state

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def unit(self):
        return (self.next() >> 11) * 2.0**-53

    def below(self, n):
        return int(self.unit() * n)


class Zipf:
    def __init__(self, n, s):
        total, cdf = 0.0, []
        for k in range(n):
            total += 1 / float(k + 1) ** s
            cdf.append(total)
        self.cdf = [c / total for c in cdf]

    def sample(self, rng):
        u, lo, hi = rng.unit(), 0, len(self.cdf) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cdf[mid] > u:
                hi = mid
            else:
                lo = mid + 1
        return lo


def batches(count, seed=42):
    rng = SplitMix(seed)
    token_law, item_law = Zipf(VOCAB, 1.0), Zipf(ITEMS, 0.8)
    tokens, weights, genres = [], [], []
    for _ in range(ITEMS):
        length = 10 + rng.below(21)
        tokens.append([token_law.sample(rng) for _ in range(length)])
        weights.append([np.float32(0.5 + rng.unit()) for _ in range(length)])
        genres.append([rng.below(GENRES) for _ in range(1 + rng.below(3))])
    out = []
    for _ in range(count):
        users, items, ratings = [], [], []
        for _ in range(BATCH):
            users.append(rng.below(USERS))
            items.append(item_law.sample(rng))
            ratings.append(float(1 + rng.below(5)))

        def bags(lists):
            return torch.tensor([0] + np.cumsum([len(lists[i]) for i in items]).tolist()), \
                torch.tensor([t for i in items for t in lists[i]])

        text_offsets, text_ids = bags(tokens)
        genre_offsets, genre_ids = bags(genres)
        out.append({
            "users": torch.tensor(users), "items": torch.tensor(items),
            "text_ids": text_ids, "text_offsets": text_offsets,
            "text_weights": torch.tensor(np.array([w for i in items for w in weights[i]], dtype=np.float32)),
            "genre_ids": genre_ids, "genre_offsets": genre_offsets,
            "ratings": torch.tensor(ratings, dtype=torch.float32),
        })
    return out


class FusedRatingModel(torch.nn.Module):
    def __init__(self, sparse=True):
        super().__init__()
        self.user = torch.nn.Embedding(USERS, DIM, sparse=sparse)
        self.item = torch.nn.Embedding(ITEMS, DIM, sparse=sparse)
        self.text = torch.nn.EmbeddingBag(VOCAB, DIM, mode="sum", include_last_offset=True, sparse=sparse)
        self.genres = torch.nn.EmbeddingBag(GENRES, DIM, mode="mean", include_last_offset=True, sparse=sparse)
        for table in (self.user, self.item, self.text, self.genres):
            torch.nn.init.normal_(table.weight, std=0.1)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(4 * DIM, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                                       torch.nn.ReLU(), torch.nn.Linear(64, 1))

    def forward(self, b):
        x = torch.cat([self.user(b["users"]), self.item(b["items"]),
                       self.text(b["text_ids"], b["text_offsets"], per_sample_weights=b["text_weights"]),
                       self.genres(b["genre_ids"], b["genre_offsets"])], dim=1)
        return self.mlp(x).squeeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--dense", action="store_true", help="dense tables and one Adam")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(7)
    data = batches(64)
    model = FusedRatingModel(sparse=not args.dense)
    tables = [model.user.weight, model.item.weight, model.text.weight, model.genres.weight]
    if args.dense:
        optimizers = [torch.optim.Adam(model.parameters(), lr=1e-3)]
    else:
        optimizers = [torch.optim.SparseAdam(tables, lr=1e-3), torch.optim.Adam(model.mlp.parameters(), lr=1e-3)]

    def step(b):
        for o in optimizers:
            o.zero_grad()
        loss = F.mse_loss(model(b), b["ratings"])
        loss.backward()
        for o in optimizers:
            o.step()
        return loss.item()

    for s in range(args.warmup):
        step(data[s % len(data)])
    start, cpu_start = time.perf_counter(), time.process_time()
    loss_sum = 0.0
    for s in range(args.steps):
        loss_sum += step(data[s % len(data)])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    distinct = sum(len(set(b["text_ids"].tolist())) for b in data) // len(data)
    samples = args.steps * BATCH
    print(f"pytorch{' dense' if args.dense else ''} steps {args.steps}  batch {BATCH}  wall {seconds:.3f} s  {samples / seconds:.0f} samples/s"
          f"  cpu {cpu:.3f} s  {samples / cpu:.0f} samples/cpu-s  mean loss {loss_sum / args.steps:.4f}  (distinct text rows/batch {distinct}, torch {torch.__version__})")


if __name__ == "__main__":
    main()
