"""PyTorch golden values for the NHWC layers and the conv-stack image encoder.

Conv2d, MaxPool2d and global average pooling forward and backward on small random tensors, and
the whole ConvStackEncoder (Conv2d + ReLU [+ MaxPool] per layer, mean over H and W, Linear) with
given weights. PyTorch works in NCHW with weights (Cout, Cin, kh, kw); this generator permutes
explicitly: inputs NHWC -> NCHW with permute(0, 3, 1, 2), weights to our (Cout, kh, kw, Cin) with
permute(0, 2, 3, 1), and results back to NHWC. Computed in float64 from float32-representable
inputs, so the Swift float32 results are compared with exact references.

Run: "$(scripts/dev-venv)"/bin/python scripts/golden/image_conv.py   (writes fixtures/golden/image/conv.json)
"""
import json
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/image/conv.json"
rng = np.random.default_rng(7)


def rand(*shape, scale=1.0):
    return torch.tensor((rng.normal(size=shape) * scale).astype(np.float32), dtype=torch.float64)


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def flat(t):
    return [round(float(v), 10) for v in t.detach().reshape(-1)]


def conv_case(n, h, w, cin, cout, k, stride, padding):
    x = rand(n, h, w, cin).requires_grad_()
    weight = rand(cout, k, k, cin).requires_grad_()     # our layout
    bias = rand(cout).requires_grad_()
    y = nhwc(F.conv2d(x.permute(0, 3, 1, 2), weight.permute(0, 3, 1, 2), bias, stride=stride, padding=padding))
    dy = rand(*y.shape)
    y.backward(dy)
    return {"n": n, "h": h, "w": w, "cin": cin, "cout": cout, "kernel": k, "stride": stride, "padding": padding,
            "x": flat(x), "weight": flat(weight), "bias": flat(bias), "y_shape": list(y.shape), "y": flat(y),
            "dy": flat(dy), "dx": flat(x.grad), "dweight": flat(weight.grad), "dbias": flat(bias.grad)}


def pool_case(n, h, w, c, k, stride):
    x = rand(n, h, w, c).requires_grad_()
    y = nhwc(F.max_pool2d(x.permute(0, 3, 1, 2), k, stride))
    dy = rand(*y.shape)
    y.backward(dy)
    return {"n": n, "h": h, "w": w, "c": c, "kernel": k, "stride": stride, "x": flat(x), "y_shape": list(y.shape),
            "y": flat(y), "dy": flat(dy), "dx": flat(x.grad)}


def gap_case(n, h, w, c):
    x = rand(n, h, w, c).requires_grad_()
    y = x.permute(0, 3, 1, 2).mean(dim=(2, 3))
    dy = rand(*y.shape)
    y.backward(dy)
    return {"n": n, "h": h, "w": w, "c": c, "x": flat(x), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad)}


def stack_case():
    """size 16x14, layers [{4, k3, pool 2}, {8, k3, stride 2, padding 1}, {6, k5, pool 2}] + projection 5.

    Weights and biases are drawn at 1/sqrt(fan-in), the scale of PyTorch's initialisation, so the
    activations stay of order 1 and a 1e-4 tolerance has float32 headroom (with unit weights the
    outputs reached ~760, where float32's spacing is 6e-5 and 1e-4 meant "within 2 ulps")."""
    layers = [dict(conv=4, kernel=3, stride=1, padding=1, pool=2), dict(conv=8, kernel=3, stride=2, padding=1, pool=1),
              dict(conv=6, kernel=5, stride=1, padding=2, pool=2)]
    x = rand(3, 16, 14, 3).requires_grad_()
    params, cin = [], 3
    t = x.permute(0, 3, 1, 2)
    for spec in layers:
        fan_in = spec["kernel"] * spec["kernel"] * cin
        wt = rand(spec["conv"], spec["kernel"], spec["kernel"], cin, scale=fan_in ** -0.5).requires_grad_()
        b = rand(spec["conv"], scale=fan_in ** -0.5).requires_grad_()
        params += [wt, b]
        t = F.relu(F.conv2d(t, wt.permute(0, 3, 1, 2), b, stride=spec["stride"], padding=spec["padding"]))
        if spec["pool"] > 1:
            t = F.max_pool2d(t, spec["pool"])
        cin = spec["conv"]
    pooled = t.mean(dim=(2, 3))
    pw, pb = rand(5, cin, scale=cin ** -0.5).requires_grad_(), rand(5, scale=cin ** -0.5).requires_grad_()
    params += [pw, pb]
    y = pooled @ pw.T + pb
    dy = rand(*y.shape)
    y.backward(dy)
    return {"size": [16, 14], "layers": layers, "projection": 5, "x": flat(x), "parameters": [flat(p) for p in params],
            "y": flat(y), "dy": flat(dy), "dx": flat(x.grad), "gradients": [flat(p.grad) for p in params]}


golden = {
    "torch": torch.__version__,
    "conv": [conv_case(2, 5, 6, 3, 4, 3, 1, 1), conv_case(1, 7, 5, 2, 3, 3, 2, 0),
             conv_case(2, 6, 6, 4, 2, 5, 2, 2), conv_case(1, 4, 4, 5, 3, 1, 1, 0)],
    "maxpool": [pool_case(2, 6, 4, 3, 2, 2), pool_case(1, 7, 5, 2, 3, 2)],
    "gap": [gap_case(2, 3, 4, 5)],
    "stack": stack_case(),
}
OUT.parent.mkdir(parents=True, exist_ok=True)
json.dump(golden, open(OUT, "w"))
print("wrote", OUT)
