"""Writes the image test corpus and what Pillow makes of it.

Every PNG and JPEG variant the decoder must read (PNG: each colour type and bit depth, palettes,
tRNS, Adam7, gAMA, eXIf; JPEG: baseline, progressive, arithmetic, restart markers, each chroma
subsampling, grayscale, RGB, CMYK, YCCK, each EXIF orientation, extraneous bytes), plus the
broken files the decoder must reject, into fixtures/media/images/. For each good file,
fixtures/golden/image/decode.json holds Pillow's decoded size, per-channel means and 4x4 block
means (block means catch orientation mistakes that whole-image means cannot). resize.json holds
Pillow's exact resize output for each filter; preprocess.json Pillow's draft()+resize result.

Pillow configuration compared with ("Pillow parity", docs/images.md):
  ImageOps.exif_transpose(im); images with transparency: im.convert("RGBA") alpha-composited on
  an opaque background with Image.alpha_composite, then convert("RGB"); others convert("RGB").
  16-bit gray PNGs: Pillow's convert() clips I;16 to 255, so the reference keeps the high byte
  (value >> 8) -- the reduction Pillow itself applies to 16-bit RGB and RGBA ("RGB;16B").
  16-bit tRNS is matched on the 16-bit samples before that reduction (the generator's arrays).

PNG files come from the small writer in image_png_writer.py (Pillow cannot write Adam7, 16-bit RGB or low-depth
gray); JPEG files from Pillow, and from cjpeg/jpegtran (libjpeg-turbo-progs) for arithmetic
coding, restart markers, 4:4:0/4:1:1 subsampling and RGB colour space. YCCK: Pillow has no YCCK
writer, so the generator converts CMYK to Y/Cb/Cr/K itself (libjpeg's jccolor.c formulas), writes
those planes as a 4-channel JPEG and sets the Adobe transform byte to 2 (YCCK).

Broken files and the resize/preprocess references: image_references.py. WebP files and Pillow's
pixels for them (fixtures/golden/image/webp.json): image_webp.py, run at the end.
Run: "$(scripts/dev-venv)"/bin/python scripts/golden/image_decode.py   (needs cjpeg, jpegtran: apt-get install
libjpeg-turbo-progs; versions: scripts/golden/requirements.txt)
"""
import io
import json
import pathlib
import struct
import subprocess
import tempfile

import numpy as np
import PIL
from PIL import Image, ImageOps

from image_png_writer import chunk, exif_tiff, write_png
from image_references import broken_files, preprocess_reference, resize_reference
import image_webp

ROOT = pathlib.Path(__file__).resolve().parents[2]
MEDIA = ROOT / "fixtures/media/images"
GOLDEN = ROOT / "fixtures/golden/image"
BACKGROUND = (255, 255, 255)
rng = np.random.default_rng(20261129)


# ---------- source pictures ----------

def picture(w, h, seed=0):
    """An asymmetric RGB test picture: x ramp in red, y ramp in green, a blue block top-left,
    a diagonal stripe and mild noise (so JPEG has texture and orientation errors show)."""
    r = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 3), np.float64)
    img[..., 0] = 30 + 200 * x / max(w - 1, 1)
    img[..., 1] = 220 - 180 * y / max(h - 1, 1)
    img[..., 2] = 60
    img[: h // 3, : w // 4, 2] = 240
    img[np.abs(x - y * w / h) < 2] = (250, 250, 40)
    img += r.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).round().astype(np.uint8)


# ---------- Pillow reference ----------

def composite(rgba):
    bg = Image.new("RGBA", rgba.size, BACKGROUND + (255,))
    return Image.alpha_composite(bg, rgba).convert("RGB")


def pillow_rgb(path, override=None):
    if override is not None:
        return override
    im = ImageOps.exif_transpose(Image.open(path))
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        return np.asarray(composite(im.convert("RGBA")))
    return np.asarray(im.convert("RGB"))


def block_means(a):
    """Means of an n x n grid of blocks (n = min(4, height, width)), row-major."""
    h, w, _ = a.shape
    n = min(4, h, w)
    out = []
    for by in range(n):
        for bx in range(n):
            blk = a[by * h // n:(by + 1) * h // n, bx * w // n:(bx + 1) * w // n].reshape(-1, 3)
            out.append([round(float(v), 4) for v in blk.mean(axis=0)])
    return out


entries = []


def record(name, kind, expect, rgb):
    rgb = np.asarray(rgb)
    entries.append({
        "file": name, "kind": kind, "width": int(rgb.shape[1]), "height": int(rgb.shape[0]),
        "mean_rgb": [round(float(v), 4) for v in rgb.reshape(-1, 3).mean(axis=0)],
        "block_means": block_means(rgb), **expect,
    })


def gray_alpha_reference(gray8, alpha8):
    rgba = np.dstack([gray8, gray8, gray8, alpha8]).astype(np.uint8)
    return np.asarray(composite(Image.fromarray(rgba, "RGBA")))


# ---------- PNG variants ----------

def png_variants():
    base = picture(29, 19, seed=1)
    gray = (base.astype(np.int32) @ [299, 587, 114] // 1000).astype(np.uint16)
    for depth in (1, 2, 4, 8, 16):
        top = (1 << depth) - 1
        vals = (gray * top + 127) // 255 if depth < 16 else gray * 257 + rng.integers(0, 256, gray.shape)
        for interlace in ((False, True) if depth in (1, 16) else (False,)):
            name = f"png_gray{depth}{'_adam7' if interlace else ''}.png"
            write_png(MEDIA / name, vals[..., None], 0, depth, interlace=interlace)
            override = None
            if depth == 16:  # Pillow's I;16 -> RGB clips; keep the high byte instead
                hi = (np.asarray(Image.open(MEDIA / name)).astype(np.uint32) >> 8).astype(np.uint8)
                override = np.dstack([hi] * 3)
            record(name, "png", {"channels": 1, "bit_depth": depth, "color_model": "gray", "interlaced": interlace},
                   pillow_rgb(MEDIA / name, override))
    # gray + tRNS (8 and 16 bit)
    g8 = gray.astype(np.uint8)
    t = int(g8[5, 5])
    write_png(MEDIA / "png_gray8_trns.png", g8[..., None], 0, 8, trns=struct.pack(">H", t))
    record("png_gray8_trns.png", "png", {"channels": 1, "bit_depth": 8, "color_model": "gray", "alpha": True},
           pillow_rgb(MEDIA / "png_gray8_trns.png"))
    g16 = gray * 257
    t16 = int(g16[3, 3])
    write_png(MEDIA / "png_gray16_trns.png", g16[..., None], 0, 16, trns=struct.pack(">H", t16))
    record("png_gray16_trns.png", "png", {"channels": 1, "bit_depth": 16, "color_model": "gray", "alpha": True},
           gray_alpha_reference((g16 >> 8).astype(np.uint8), np.where(g16 == t16, 0, 255).astype(np.uint8)))
    # gray + alpha
    alpha = np.clip(np.arange(29)[None, :] * 9 + np.arange(19)[:, None] * 3, 0, 255).astype(np.uint16) * np.ones_like(gray)
    write_png(MEDIA / "png_gray_alpha8.png", np.dstack([g8, alpha]), 4, 8)
    record("png_gray_alpha8.png", "png", {"channels": 2, "bit_depth": 8, "color_model": "gray_alpha", "alpha": True},
           pillow_rgb(MEDIA / "png_gray_alpha8.png"))
    ga16 = np.dstack([gray * 257 + 100, alpha * 257 + 7])
    write_png(MEDIA / "png_gray_alpha16_adam7.png", ga16, 4, 16, interlace=True)
    record("png_gray_alpha16_adam7.png", "png",
           {"channels": 2, "bit_depth": 16, "color_model": "gray_alpha", "alpha": True, "interlaced": True},
           pillow_rgb(MEDIA / "png_gray_alpha16_adam7.png"))
    # RGB 8 / 16, with and without tRNS, gAMA (ignored), eXIf orientation, Adam7
    write_png(MEDIA / "png_rgb8.png", base, 2, 8)
    record("png_rgb8.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb"}, pillow_rgb(MEDIA / "png_rgb8.png"))
    write_png(MEDIA / "png_rgb8_adam7.png", base, 2, 8, interlace=True)
    record("png_rgb8_adam7.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb", "interlaced": True},
           pillow_rgb(MEDIA / "png_rgb8_adam7.png"))
    write_png(MEDIA / "png_rgb8_gamma.png", base, 2, 8, extra=chunk(b"gAMA", struct.pack(">I", 100000)))
    record("png_rgb8_gamma.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb"},
           pillow_rgb(MEDIA / "png_rgb8_gamma.png"))
    rgb16 = base.astype(np.uint16) * 257 + rng.integers(0, 200, base.shape).astype(np.uint16)
    write_png(MEDIA / "png_rgb16.png", rgb16, 2, 16)
    record("png_rgb16.png", "png", {"channels": 3, "bit_depth": 16, "color_model": "rgb"}, pillow_rgb(MEDIA / "png_rgb16.png"))
    key = base[2, 2]
    write_png(MEDIA / "png_rgb8_trns.png", base, 2, 8, trns=struct.pack(">HHH", *key))
    record("png_rgb8_trns.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb", "alpha": True},
           pillow_rgb(MEDIA / "png_rgb8_trns.png"))
    key16 = rgb16[4, 4]
    write_png(MEDIA / "png_rgb16_trns.png", rgb16, 2, 16, trns=struct.pack(">HHH", *key16))
    transparent = np.all(rgb16 == key16, axis=2)
    hi = (rgb16 >> 8).astype(np.uint8)
    ref = np.where(transparent[..., None], np.array(BACKGROUND, np.uint8), hi)
    record("png_rgb16_trns.png", "png", {"channels": 3, "bit_depth": 16, "color_model": "rgb", "alpha": True}, ref)
    tiff = exif_tiff(6)
    write_png(MEDIA / "png_rgb8_exif6.png", base, 2, 8, extra=chunk(b"eXIf", tiff))
    record("png_rgb8_exif6.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb", "orientation": 6},
           pillow_rgb(MEDIA / "png_rgb8_exif6.png"))
    # RGBA 8 / 16 (16 interlaced)
    rgba = np.dstack([base, alpha.astype(np.uint8)])
    write_png(MEDIA / "png_rgba8.png", rgba, 6, 8)
    record("png_rgba8.png", "png", {"channels": 4, "bit_depth": 8, "color_model": "rgba", "alpha": True},
           pillow_rgb(MEDIA / "png_rgba8.png"))
    rgba16 = np.dstack([rgb16, alpha * 257 + 3])
    write_png(MEDIA / "png_rgba16_adam7.png", rgba16, 6, 16, interlace=True)
    record("png_rgba16_adam7.png", "png",
           {"channels": 4, "bit_depth": 16, "color_model": "rgba", "alpha": True, "interlaced": True},
           pillow_rgb(MEDIA / "png_rgba16_adam7.png"))
    # palettes at 1, 2, 4, 8 bits; 8-bit with partial tRNS; 4-bit Adam7
    for depth in (1, 2, 4, 8):
        n = 1 << depth
        pal = rng.integers(0, 256, (n, 3))
        idx = (gray.astype(np.int32) * n // 256).astype(np.uint16)
        for interlace in ((False, True) if depth == 4 else (False,)):
            name = f"png_palette{depth}{'_adam7' if interlace else ''}.png"
            write_png(MEDIA / name, idx[..., None], 3, depth, palette=pal, interlace=interlace)
            record(name, "png", {"channels": 1, "bit_depth": depth, "color_model": "palette", "interlaced": interlace},
                   pillow_rgb(MEDIA / name))
    pal = rng.integers(0, 256, (256, 3))
    idx = gray.astype(np.uint16)
    trns = bytes(rng.integers(0, 256, 200).astype(np.uint8))  # shorter than the palette: the rest opaque
    write_png(MEDIA / "png_palette8_trns.png", idx[..., None], 3, 8, palette=pal, trns=trns)
    record("png_palette8_trns.png", "png", {"channels": 1, "bit_depth": 8, "color_model": "palette", "alpha": True},
           pillow_rgb(MEDIA / "png_palette8_trns.png"))
    # degenerate sizes: 1x1 and an Adam7 image smaller than one 8x8 block (empty passes)
    write_png(MEDIA / "png_rgb8_1x1.png", base[:1, :1], 2, 8)
    record("png_rgb8_1x1.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb"}, pillow_rgb(MEDIA / "png_rgb8_1x1.png"))
    write_png(MEDIA / "png_rgb8_3x2_adam7.png", base[:2, :3], 2, 8, interlace=True)
    record("png_rgb8_3x2_adam7.png", "png", {"channels": 3, "bit_depth": 8, "color_model": "rgb", "interlaced": True},
           pillow_rgb(MEDIA / "png_rgb8_3x2_adam7.png"))


# ---------- JPEG variants ----------

def write_ppm(path, rgb):
    h, w, _ = rgb.shape
    path.write_bytes(b"P6\n%d %d\n255\n" % (w, h) + rgb.tobytes())


def run(*args):
    subprocess.run(args, check=True)


def jpeg_variants(tmp):
    base = picture(75, 53, seed=2)
    ppm = tmp / "base.ppm"
    write_ppm(ppm, base)
    jpeg_info = lambda **kw: {"channels": 3, "bit_depth": 8, "color_model": "ycbcr", **kw}

    def add(name, expect, override=None):
        record(name, "jpeg", expect, pillow_rgb(MEDIA / name, override))

    Image.fromarray(base).save(MEDIA / "jpeg_baseline_420.jpg", quality=90)
    add("jpeg_baseline_420.jpg", jpeg_info(subsampling="4:2:0"))
    for label, sample in [("444", "1x1"), ("422", "2x1"), ("440", "1x2"), ("411", "4x1"), ("410", "4x2")]:
        name = f"jpeg_baseline_{label}.jpg"
        run("cjpeg", "-quality", "90", "-sample", sample, "-outfile", str(MEDIA / name), str(ppm))
        add(name, jpeg_info(subsampling={"444": "4:4:4", "422": "4:2:2", "440": "4:4:0", "411": "4:1:1", "410": "4:1:0"}[label]))
    Image.fromarray(base).save(MEDIA / "jpeg_progressive.jpg", quality=88, progressive=True)
    add("jpeg_progressive.jpg", jpeg_info(interlaced=True))
    run("cjpeg", "-quality", "90", "-arithmetic", "-outfile", str(MEDIA / "jpeg_arithmetic.jpg"), str(ppm))
    add("jpeg_arithmetic.jpg", jpeg_info(arithmetic=True))
    run("jpegtran", "-arithmetic", "-progressive", "-outfile", str(MEDIA / "jpeg_arithmetic_progressive.jpg"),
        str(MEDIA / "jpeg_baseline_420.jpg"))
    add("jpeg_arithmetic_progressive.jpg", jpeg_info(arithmetic=True, interlaced=True))
    run("cjpeg", "-quality", "90", "-restart", "1", "-outfile", str(MEDIA / "jpeg_restart_rows.jpg"), str(ppm))
    add("jpeg_restart_rows.jpg", jpeg_info(restart=True))
    run("cjpeg", "-quality", "90", "-restart", "3B", "-sample", "1x1", "-outfile", str(MEDIA / "jpeg_restart_blocks.jpg"), str(ppm))
    add("jpeg_restart_blocks.jpg", jpeg_info(restart=True))
    run("cjpeg", "-quality", "90", "-rgb", "-outfile", str(MEDIA / "jpeg_rgb_colorspace.jpg"), str(ppm))
    add("jpeg_rgb_colorspace.jpg", jpeg_info(color_model="rgb"))
    Image.fromarray(base).convert("L").save(MEDIA / "jpeg_gray.jpg", quality=90)
    add("jpeg_gray.jpg", {"channels": 1, "bit_depth": 8, "color_model": "gray"})
    run("cjpeg", "-grayscale", "-progressive", "-outfile", str(MEDIA / "jpeg_gray_progressive.jpg"), str(ppm))
    add("jpeg_gray_progressive.jpg", {"channels": 1, "bit_depth": 8, "color_model": "gray", "interlaced": True})
    cmyk = Image.fromarray(base).convert("CMYK")
    c = np.asarray(cmyk).copy()
    c[..., 3] = (np.arange(75)[None, :] * 2 + 20).astype(np.uint8)  # a real black channel
    Image.fromarray(c, "CMYK").save(MEDIA / "jpeg_cmyk.jpg", quality=92)
    add("jpeg_cmyk.jpg", {"channels": 4, "bit_depth": 8, "color_model": "cmyk"})
    write_ycck(MEDIA / "jpeg_ycck.jpg", c)
    add("jpeg_ycck.jpg", {"channels": 4, "bit_depth": 8, "color_model": "ycck"})
    Image.fromarray(picture(33, 17, seed=3)).save(MEDIA / "jpeg_odd_size.jpg", quality=85)
    add("jpeg_odd_size.jpg", jpeg_info(subsampling="4:2:0"))
    # EXIF orientations 1..8 on a 48x32 picture: 5..8 come out 32x48
    pic = picture(48, 32, seed=4)
    for o in range(1, 9):
        name = f"jpeg_exif_orientation{o}.jpg"
        ex = Image.Exif()
        ex[0x0112] = o
        Image.fromarray(pic).save(MEDIA / name, quality=92, exif=ex.tobytes())
        add(name, jpeg_info(orientation=o))
    # big-endian ("MM") EXIF written by hand
    buf = io.BytesIO()
    Image.fromarray(pic).save(buf, format="JPEG", quality=92)
    data = buf.getvalue()
    app1 = b"Exif\0\0" + exif_tiff(8, big_endian=True)
    data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:]
    (MEDIA / "jpeg_exif_bigendian8.jpg").write_bytes(data)
    add("jpeg_exif_bigendian8.jpg", jpeg_info(orientation=8))
    # extraneous bytes before a marker: libjpeg warns, decodes; so must we
    data = (MEDIA / "jpeg_baseline_420.jpg").read_bytes()
    eoi = data.rindex(b"\xff\xd9")
    (MEDIA / "jpeg_extraneous_bytes.jpg").write_bytes(data[:eoi] + b"\x00\x13\x37" + data[eoi:])
    add("jpeg_extraneous_bytes.jpg", jpeg_info(warnings=True))
    # a baseline file missing only its EOI marker: every pixel's data is there, libjpeg decodes it
    # with a warning. Pillow refuses it ("image file is truncated"), so the reference is the intact file.
    (MEDIA / "jpeg_missing_eoi.jpg").write_bytes(data[:-2])
    add("jpeg_missing_eoi.jpg", jpeg_info(warnings=True), override=pillow_rgb(MEDIA / "jpeg_baseline_420.jpg"))
    # named .png but holding a JPEG: the magic bytes decide
    (MEDIA / "jpeg_named_as.png").write_bytes(data)
    add("jpeg_named_as.png", jpeg_info())


def write_ycck(path, cmyk):
    """YCCK with an Adobe marker: libjpeg's cmyk_ycck_convert applied to the stored (inverted) CMYK."""
    stored = 255 - cmyk.astype(np.float64)   # what libjpeg sees for Pillow's "CMYK;I"
    r, g, b = 255 - stored[..., 0], 255 - stored[..., 1], 255 - stored[..., 2]
    y = 0.29900 * r + 0.58700 * g + 0.11400 * b
    cb = -0.16874 * r - 0.33126 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.41869 * g - 0.08131 * b + 128
    planes = np.clip(np.dstack([y, cb, cr, stored[..., 3]]).round(), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(255 - planes, "CMYK").save(buf, format="JPEG", quality=95)   # Pillow inverts CMYK on write
    data = bytearray(buf.getvalue())
    at = data.index(b"Adobe")
    assert data[at + 11] == 0, "expected Pillow's Adobe transform 0"
    data[at + 11] = 2
    path.write_bytes(bytes(data))


def main():
    MEDIA.mkdir(parents=True, exist_ok=True)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in MEDIA.iterdir():
        old.unlink()
    png_variants()
    with tempfile.TemporaryDirectory() as tmp:
        jpeg_variants(pathlib.Path(tmp))
    bad = broken_files(MEDIA, rng)
    versions = {"pillow": PIL.__version__, "numpy": np.__version__, "background": list(BACKGROUND)}
    json.dump({**versions, "images": entries, "rejected": bad}, open(GOLDEN / "decode.json", "w"), indent=1)
    json.dump({**versions, "cases": resize_reference(MEDIA, picture)}, open(GOLDEN / "resize.json", "w"))
    json.dump({**versions, "cases": preprocess_reference(MEDIA, picture, block_means)}, open(GOLDEN / "preprocess.json", "w"))
    print(f"wrote {len(entries)} images, {len(bad)} rejected files to {MEDIA}")
    image_webp.main(picture)   # the WebP files and webp.json (the folder was emptied above)


if __name__ == "__main__":
    main()
