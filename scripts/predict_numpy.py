#!/usr/bin/env python3
"""Reproduces `pipeline predict RUN --user U --item I` with numpy alone, from the run's files.

    python3 scripts/predict_numpy.py runs/demo u0001 i00042

Reads model.json, model.safetensors and item_embeddings.safetensors (safetensors is parsed by
hand: an 8-byte little-endian header size, a JSON header, then the raw arrays), recomputes the
item vector from the modality outputs, the item fields and the item-id embedding (and checks it
against the exported one), the user vector from the user tower's inputs, then the head:
    r = mu + b_u + b_i + <w, v> + MLP([w, v, w*v]),  mapped back from the normalised scale, clipped.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64, "U8": np.uint8}


def load_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(body[a:b], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return out, header.get("__metadata__", {})


def linear(x, t, name):
    return x @ t[name + ".weight"].T + t[name + ".bias"]


def bag_mean(table, ids):
    return table[ids].mean(axis=0) if len(ids) else np.zeros(table.shape[1], dtype=np.float32)


def tabular(t, prefix, state, row):
    """The tabular encoder's output for one entity: numbers, missing flags, mean embedding per field."""
    parts = [t[prefix + ".numeric"][row]]
    for field in state["fields"]:
        if field["kind"] == "numeric":
            continue
        offsets = t[f"{prefix}.{field['name']}.offsets"].astype(int)
        ids = t[f"{prefix}.{field['name']}.ids"].astype(int)[offsets[row]:offsets[row + 1]]
        parts.append(bag_mean(t[f"{prefix}.{field['name']}.weight"], ids))
    return np.concatenate(parts)


def predict(run, user_id, item_id):
    desc = json.load(open(f"{run}/model.json"))
    t, _ = load_safetensors(f"{run}/model.safetensors")
    emb, meta = load_safetensors(f"{run}/item_embeddings.safetensors")
    opts = desc["options"]
    users, items = desc["user_ids"], desc["item_ids"]
    n_users, n_items = len(users), len(items)
    i = items.index(item_id)
    u = users.index(user_id) if user_id in users else None

    # Item tower: [modality output, mask bit]... [item fields] [item-id embedding] -> Linear.
    known_items = t["behavior.known_items"].astype(bool)
    parts = []
    for name in desc["item_encoders"]:
        if name == "item_fields":
            parts.append(tabular(t, "item_fields", desc["item_fields"], i))
        else:
            parts.append(emb[name][i])
            parts.append(np.array([0.0 if emb[name + ".present"][i] else 1.0], dtype=np.float32))
    item_row = i if known_items[i] else n_items
    if opts["item_id_embedding"] > 0:
        parts.append(t["item.embedding.weight"][item_row])
    v = linear(np.concatenate(parts).astype(np.float32), t, "item.tower")
    assert np.allclose(v, emb["item_embeddings"][i], atol=1e-5), "item vector differs from the export"

    # User tower: [user-id embedding] [mean of history vectors] [statistics] [user fields] -> Linear.
    known_users = t["behavior.known_users"].astype(bool)
    cold = u is None or not known_users[u]
    user_row = n_users if cold else u
    parts = []
    if opts["user_embedding"] > 0:
        parts.append(t["user.embedding.weight"][user_row])
    if opts["history_pooling"] != "none":
        if u is None:
            parts.append(np.zeros(t["user.history.weight"].shape[1], dtype=np.float32))
        else:
            off = t["behavior.history.offsets"]
            parts.append(bag_mean(t["user.history.weight"], t["behavior.history.items"][off[u]:off[u + 1]]))
    if opts["user_statistics"]:
        parts.append(np.zeros(2, dtype=np.float32) if u is None else t["behavior.statistics"][u])
    if desc.get("user_fields"):
        if u is None:
            k = t["user_fields.numeric"].shape[1] // 2
            unknown = [np.concatenate([np.zeros(k), np.ones(k)]).astype(np.float32)]
            unknown += [t[f"user_fields.{f['name']}.weight"][0] for f in desc["user_fields"]["fields"] if f["kind"] != "numeric"]
            parts.append(np.concatenate(unknown))
        else:
            parts.append(tabular(t, "user_fields", desc["user_fields"], u))
    w = linear(np.concatenate(parts).astype(np.float32), t, "user.tower")

    # Head.
    h = np.concatenate([w, v, w * v])
    for k in range(len(opts["hidden"])):
        h = np.maximum(linear(h, t, f"head.{k}"), 0)
    mlp = linear(h, t, "head.out")[0]
    r = desc["global_mean"] + t["user.bias.weight"][user_row, 0] + t["item.bias.weight"][i if known_items[i] else n_items, 0] \
        + float(w @ v) + mlp
    norm = desc["normalizer"]
    if norm["method"] == "user_mean":
        r += norm["user_means"][u] if u is not None else norm["mean"]
    elif norm["method"] == "zscore":
        r = r * norm["std"] + norm["mean"]
    lo, hi = desc["rating_range"]
    return float(np.clip(r, lo, hi))


if __name__ == "__main__":
    run, user, item = sys.argv[1:4]
    print(f"{predict(run, user, item):.6f}")
