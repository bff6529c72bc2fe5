"""Broken files and resize/preprocess references for the image corpus (part of image_decode.py)."""
import io
import struct

import numpy as np
from PIL import Image

from image_png_writer import chunk


def broken_files(MEDIA, rng):
    """Writes the files the decoder must reject; returns their expected error class and message part."""
    good_png = (MEDIA / "png_rgb8.png").read_bytes()
    good_jpg = (MEDIA / "jpeg_baseline_420.jpg").read_bytes()
    prog_jpg = (MEDIA / "jpeg_progressive.jpg").read_bytes()
    idat = good_png.index(b"IDAT")
    bad = []

    def put(name, data, cls, contains):
        (MEDIA / name).write_bytes(data)
        bad.append({"file": name, "error_class": cls, "message_contains": contains})

    put("bad_truncated.png", good_png[: idat + 60], "truncated", "ends")
    put("bad_truncated.jpg", good_jpg[: len(good_jpg) * 6 // 10], "truncated", "Premature end")
    put("bad_truncated_progressive.jpg", prog_jpg[: len(prog_jpg) // 2], "truncated", "Premature end")
    put("bad_progressive_missing_eoi.jpg", prog_jpg[:-2], "truncated", "Premature end")
    put("bad_truncated_header.jpg", good_jpg[:40], "truncated", "Premature end")
    crc = bytearray(good_png)
    length = struct.unpack(">I", good_png[idat - 4:idat])[0]
    crc[idat + 4 + length] ^= 0x55   # the first IDAT's CRC field: data intact, checksum wrong
    put("bad_crc.png", bytes(crc), "corrupt", "CRC error")
    flipped = bytearray(good_png)
    flipped[idat + 20] ^= 0x55       # inside the deflate stream: zlib notices before the CRC check
    put("bad_idat_data.png", bytes(flipped), "corrupt", "IDAT")
    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")
    put("bad_huge_header.png", huge, "too_large", "100000×100000")
    sof = good_jpg.index(b"\xff\xc0")
    big = bytearray(good_jpg)
    big[sof + 5:sof + 9] = struct.pack(">HH", 60000, 60000)
    put("bad_huge_header.jpg", bytes(big), "too_large", "60000×60000")
    twelve = bytearray(good_jpg)
    twelve[sof + 4] = 12             # SOF precision: 12-bit samples, which this libjpeg build cannot decode
    put("bad_12bit.jpg", bytes(twelve), "unsupported", "precision 12")
    lossless = bytearray(good_jpg)
    lossless[sof + 1] = 0xC3         # SOF3: lossless JPEG
    put("bad_lossless.jpg", bytes(lossless), "unsupported", "SOF type 0xc3")
    put("bad_text.png", b"This is a text file, not a picture.\nIt only has a .png name.\n", "unsupported",
        "neither an image nor audio: looks like text")
    put("bad_empty.png", b"", "empty", "empty")
    put("bad_signature_crlf.png", good_png.replace(b"\r\n", b"\n", 1), "corrupt", "signature")
    put("bad_gif.png", b"GIF89a" + bytes(20), "unsupported", "GIF is not supported: convert it to PNG")
    app0 = good_jpg[2:4 + struct.unpack(">H", good_jpg[4:6])[0]]
    put("bad_jpeg_no_frame.jpg", b"\xff\xd8" + app0 + b"\x12\x34\x56" + b"\xff\xd9", "corrupt", "contains no image")
    put("bad_jpeg_garbage.jpg", b"\xff\xd8\xff\xe0" + bytes(rng.integers(0, 256, 64).astype(np.uint8)), "truncated", "Premature end")
    return bad


def resize_reference(MEDIA, picture):
    """Pillow's exact resize output for each filter, shrinking and enlarging."""
    src = np.asarray(Image.open(MEDIA / "png_rgb8.png").convert("RGB"))
    big = picture(200, 150, seed=5)
    (MEDIA / "png_rgb8_200x150.png").write_bytes(png_bytes(big))
    filters = {"area": Image.Resampling.BOX, "bilinear": Image.Resampling.BILINEAR,
               "bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS}
    cases = []
    for file, image in (("png_rgb8.png", src), ("png_rgb8_200x150.png", big)):
        for (w, h) in ((13, 9), (70, 23)):
            for name, f in filters.items():
                out = np.asarray(Image.fromarray(image).resize((w, h), f))
                cases.append({"file": file, "width": w, "height": h, "filter": name, "pixels": out.reshape(-1).tolist()})
    return cases


def png_bytes(rgb):
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def preprocess_reference(MEDIA, picture, block_means):
    """Pillow's fast path: draft() DCT scaling, then a bilinear resize to 64x64."""
    Image.fromarray(picture(640, 480, seed=6)).save(MEDIA / "jpeg_640x480.jpg", quality=85)
    out = []
    for file, size in (("jpeg_640x480.jpg", (64, 64)), ("jpeg_640x480.jpg", (100, 150)), ("jpeg_baseline_420.jpg", (32, 24))):
        im = Image.open(MEDIA / file)
        im.draft("RGB", (size[1], size[0]))
        drafted = im.size
        rgb = np.asarray(im.convert("RGB").resize((size[1], size[0]), Image.Resampling.BILINEAR))
        out.append({"file": file, "height": size[0], "width": size[1], "draft_size": list(drafted),
                    "mean_rgb": [round(float(v), 4) for v in rgb.reshape(-1, 3).mean(axis=0)],
                    "block_means": block_means(rgb)})
    return out

