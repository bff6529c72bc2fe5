"""Writes the WebP part of the image corpus and Pillow's decoded pixels (part of image_decode.py).

Every kind of file libwebp writes, through Pillow's WebP plugin (which links libwebp): lossy
(VP8), lossy with an alpha channel (VP8X + ALPH + VP8), lossless (VP8L) with and without alpha,
an EXIF orientation (VP8X + EXIF), a 1x1 picture, animations (ANIM + ANMF frames, lossy with alpha and
lossless; the decoder reads the first frame), and a WebP named .png; plus the broken files the
decoder must reject. fixtures/golden/image/webp.json holds, for each good file, Pillow's decoded
RGB bytes (base64, row-major HWC) -- the pictures are a few hundred pixels, so the whole array is
compared, not means -- and for each broken file its class and a part of the message.

Pillow reference: ImageOps.exif_transpose(Image.open(f)) (the first frame of an animation);
RGBA alpha-composited on an opaque white background with Image.alpha_composite, then
convert("RGB"); RGB as is. Same as the PNG/JPEG corpus (image_decode.py).

Run alone: "$(scripts/dev-venv)"/bin/python scripts/golden/image_webp.py   (image_decode.py also
runs it, after it has emptied fixtures/media/images; versions: scripts/golden/requirements.txt)
"""
import base64
import io
import json
import pathlib
import struct

import numpy as np
import PIL
from PIL import Image, ImageOps, features

ROOT = pathlib.Path(__file__).resolve().parents[2]
MEDIA = ROOT / "fixtures/media/images"
GOLDEN = ROOT / "fixtures/golden/image"
BACKGROUND = (255, 255, 255)


def reference(path):
    """Pillow's upright RGB of the file (first frame), alpha composited on the background."""
    im = ImageOps.exif_transpose(Image.open(path))
    if im.mode == "RGBA":
        bg = Image.new("RGBA", im.size, BACKGROUND + (255,))
        im = Image.alpha_composite(bg, im)
    return np.asarray(im.convert("RGB"))


def alpha_ramp(h, w):
    """Alpha from fully transparent (top-left) to opaque (bottom-right), with a hard-edged hole."""
    y, x = np.mgrid[0:h, 0:w]
    a = np.clip(x * 255 // max(w - 1, 1) + y * 40 // max(h - 1, 1), 0, 255)
    a[h // 2:h // 2 + 3, w // 2:w // 2 + 5] = 0
    return a.astype(np.uint8)


def webp_variants(picture):
    """Writes the good WebP files; returns their golden entries."""
    base = picture(39, 27, seed=7)          # odd sizes: chroma upsampling at the right and bottom edges
    rgba = np.dstack([base, alpha_ramp(27, 39)])
    entries = []

    def save(name, image, expect, **options):
        image.save(MEDIA / name, format="WEBP", **options)
        rgb = reference(MEDIA / name)
        entries.append({"file": name, "width": int(rgb.shape[1]), "height": int(rgb.shape[0]), **expect,
                        "rgb_base64": base64.b64encode(rgb.tobytes()).decode()})

    save("webp_lossy.webp", Image.fromarray(base), {"color_model": "lossy"}, quality=80)
    save("webp_lossy_alpha.webp", Image.fromarray(rgba, "RGBA"), {"color_model": "lossy", "alpha": True}, quality=80)
    save("webp_lossless.webp", Image.fromarray(base), {"color_model": "lossless"}, lossless=True)
    save("webp_lossless_alpha.webp", Image.fromarray(rgba, "RGBA"), {"color_model": "lossless", "alpha": True},
         lossless=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    save("webp_lossless_exif6.webp", Image.fromarray(base[:20, :31]), {"color_model": "lossless", "orientation": 6},
         lossless=True, exif=exif.tobytes())
    save("webp_lossy_1x1.webp", Image.fromarray(base[:1, :1]), {"color_model": "lossy"}, quality=90)
    frames = [np.roll(rgba, 6 * k, axis=1) for k in range(3)]
    frames[1][..., 3] = 255                 # later frames differ in alpha and position: the encoder keeps sub-rectangles
    save("webp_animated_lossy.webp", Image.fromarray(frames[0], "RGBA"),
         {"color_model": "lossy", "alpha": True, "animated": True, "frames": 3}, quality=75, save_all=True,
         append_images=[Image.fromarray(f, "RGBA") for f in frames[1:]], duration=100, loop=0)
    save("webp_animated_lossless.webp", Image.fromarray(base),
         {"color_model": "lossless", "animated": True, "frames": 2}, lossless=True, save_all=True,
         append_images=[Image.fromarray(255 - base)], duration=[80, 120], loop=2)
    named = (MEDIA / "webp_lossy.webp").read_bytes()
    (MEDIA / "webp_named_as.png").write_bytes(named)
    entries.append({**entries[0], "file": "webp_named_as.png"})
    return entries


def broken_webp():
    """Writes the WebP files the decoder must reject; returns their class and message part."""
    lossy = (MEDIA / "webp_lossy.webp").read_bytes()
    lossless = (MEDIA / "webp_lossless.webp").read_bytes()
    animated = (MEDIA / "webp_animated_lossy.webp").read_bytes()
    bad = []

    def put(name, data, cls, contains):
        (MEDIA / name).write_bytes(data)
        bad.append({"file": name, "error_class": cls, "message_contains": contains})

    put("bad_webp_truncated_lossy.webp", lossy[: len(lossy) // 2], "truncated", "ends")
    put("bad_webp_truncated_lossless.webp", lossless[: len(lossless) * 2 // 3], "truncated", "ends")
    put("bad_webp_truncated_animated.webp", animated[: len(animated) // 2], "truncated", "ends")
    put("bad_webp_truncated_header.webp", lossy[:24], "truncated", "ends")
    vp8 = lossy.index(b"VP8 ") + 8            # the VP8 frame: 3-byte tag, start code 9D 01 2A, sizes
    wrong = bytearray(lossy)
    wrong[vp8 + 3] ^= 0xFF                    # the start code
    put("bad_webp_start_code.webp", bytes(wrong), "corrupt", "damaged")
    vp8l = lossless.index(b"VP8L") + 8        # the VP8L signature byte 0x2F
    wrong = bytearray(lossless)
    wrong[vp8l] = 0x2E
    put("bad_webp_lossless_signature.webp", bytes(wrong), "corrupt", "damaged")
    huge = bytearray(lossy)
    huge[vp8 + 6:vp8 + 10] = struct.pack("<HH", 16383, 16383)   # 14-bit width and height, scale 0
    put("bad_webp_huge_header.webp", bytes(huge), "too_large", "16383×16383")
    return bad


def main(picture=None):
    if picture is None:
        from image_decode import picture     # not at the top: image_decode imports this module
    assert features.check("webp"), "this Pillow has no WebP support"
    MEDIA.mkdir(parents=True, exist_ok=True)
    for old in list(MEDIA.glob("webp_*")) + list(MEDIA.glob("bad_webp_*")):
        old.unlink()
    entries = webp_variants(picture)
    bad = broken_webp()
    versions = {"pillow": PIL.__version__, "libwebp": features.version("webp"), "background": list(BACKGROUND)}
    with open(GOLDEN / "webp.json", "w") as f:
        json.dump({**versions, "images": entries, "rejected": bad}, f, indent=1)
    sizes = sorted((p.stat().st_size, p.name) for p in MEDIA.glob("webp_*"))
    print(f"wrote {len(entries)} WebP images ({sizes[0][0]}-{sizes[-1][0]} bytes), {len(bad)} rejected files to {MEDIA}")


if __name__ == "__main__":
    main()
