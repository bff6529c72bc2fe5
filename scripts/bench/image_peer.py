"""Pillow + PyTorch peer of Benchmarks/Sources/BenchImage: image files -> 64-d vectors.

Same work as the Swift driver: decode, convert to RGB, resize to 64x64 (bilinear, antialiased),
normalise with ImageNet mean/std, batches of 32 through Conv2d(3,16,3,p1)+ReLU+MaxPool(2),
Conv2d(16,32,3,p1)+ReLU+MaxPool(2), Conv2d(32,64,3,p1)+ReLU, mean over H and W.

  --mode usual : Image.open().convert("RGB").resize(), NCHW batches (how users usually write it)
  --mode best  : adds im.draft("RGB", (64, 64)) (libjpeg DCT scaling, as Pillow's thumbnail()
                 does), channels-last batches and torch.inference_mode()
  --threads T  : torch.set_num_threads(T) and T decoding threads (Pillow releases the GIL while
                 decoding), each thread taking a contiguous shard as the Swift driver does
  --make-data DIR N : writes N photo-like 640x480 JPEGs (quality 85, 4:2:0) and PNGs to DIR/jpeg, DIR/png

Run: "$(scripts/dev-venv)"/bin/python scripts/bench/image_peer.py DIR --mode usual --threads 1 [--repeat 5]
"""
import argparse
import concurrent.futures
import pathlib
import statistics
import time

import numpy as np
import torch
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def make_data(root, n):
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:480, 0:640] / 480.0
    for sub in ("jpeg", "png"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        img = np.zeros((480, 640, 3))
        for c in range(3):  # a few smooth waves per channel, like a blurred photo, plus sensor noise
            for _ in range(4):
                fx, fy, ph = rng.uniform(0.5, 6, 2).tolist() + [rng.uniform(0, 6.3)]
                img[..., c] += rng.uniform(20, 50) * np.sin(fx * x * 6.28 + fy * y * 6.28 + ph)
        img += 128 + rng.normal(0, 4, img.shape)
        rgb = np.clip(img, 0, 255).astype(np.uint8)
        Image.fromarray(rgb).save(root / "jpeg" / f"img{i:04d}.jpg", quality=85)
        Image.fromarray(rgb).save(root / "png" / f"img{i:04d}.png")


def model():
    torch.manual_seed(42)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(),
    ).eval()


def load(path, best):
    im = Image.open(path)
    if best:
        im.draft("RGB", (64, 64))
    return np.asarray(im.convert("RGB").resize((64, 64), Image.Resampling.BILINEAR))


def shard(files, net, best, batch):
    out = []
    context = torch.inference_mode() if best else torch.no_grad()
    with context:
        for i in range(0, len(files), batch):
            pixels = np.stack([load(f, best) for f in files[i:i + batch]])
            x = (pixels.astype(np.float32) / 255 - MEAN) / STD
            t = torch.from_numpy(x).permute(0, 3, 1, 2)   # NHWC memory viewed as NCHW: already channels-last
            t = t.contiguous(memory_format=torch.channels_last) if best else t.contiguous()
            out.append(net(t).mean(dim=(2, 3)))
    return torch.cat(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--mode", choices=["usual", "best"], default="usual")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--make-data", type=int, default=0)
    ap.add_argument("--stage", choices=["all", "torch"], default="all", help="torch: the conv stack alone")
    a = ap.parse_args()
    root = pathlib.Path(a.dir)
    if a.make_data:
        make_data(root, a.make_data)
        return
    files = sorted(p for p in root.iterdir() if p.suffix in (".jpg", ".png"))
    torch.set_num_threads(a.threads)
    best = a.mode == "best"
    net = model()
    if best or a.stage == "torch":
        net = net.to(memory_format=torch.channels_last)
    if a.stage == "torch":
        files = [None] * 1024
    pool = concurrent.futures.ThreadPoolExecutor(a.threads)

    def run_torch():   # the conv stack alone on one random channels-last batch, 1024 images per run
        x = torch.randn(a.batch, 3, 64, 64).contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            for _ in range(1024 // a.batch):
                net(x).mean(dim=(2, 3))

    def run():
        if a.stage == "torch":
            return run_torch()
        bounds = [len(files) * t // a.threads for t in range(a.threads + 1)]
        parts = [files[bounds[t]:bounds[t + 1]] for t in range(a.threads)]
        return torch.cat(list(pool.map(lambda p: shard(p, net, best, a.batch), parts)))

    run()  # warm-up
    rates, cpu_rates = [], []
    for r in range(a.repeat):
        start, cpu_start = time.perf_counter(), time.process_time()   # process_time: CPU of all threads
        run()
        rates.append(len(files) / (time.perf_counter() - start))
        cpu_rates.append(len(files) / (time.process_time() - cpu_start))
        label = "torch stack" if a.stage == "torch" else f"pillow+torch {a.mode}"
        print(f"{label} run {r + 1}: {rates[-1]:.1f} images/s, {cpu_rates[-1]:.1f} images per CPU-second")
    print(f"{label} median: {statistics.median(rates):.1f} images/s (threads {a.threads}); "
          f"best {max(rates):.1f}; per CPU-second median {statistics.median(cpu_rates):.1f}")


if __name__ == "__main__":
    main()
