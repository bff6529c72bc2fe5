"""A minimal PNG and EXIF writer for the image corpus (scripts/golden/image_decode.py).

Pillow cannot write Adam7, 16-bit RGB or low-depth gray PNGs, so the corpus is written here:
every row uses one of the five filter types (row index mod 5) so libpng undoes all of them, and
the zlib stream is split over several IDAT chunks, as real encoders write it.
"""
import struct
import zlib

import numpy as np

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def filter_rows(rows, bpp):
    """Filters each raw scanline with type (row index mod 5), so libpng undoes all five filters."""
    out, prior = bytearray(), np.zeros(len(rows[0]) if rows else 0, np.int32)
    for i, raw in enumerate(rows):
        cur = np.frombuffer(raw, np.uint8).astype(np.int32)
        left = np.concatenate([np.zeros(bpp, np.int32), cur[:-bpp]])
        upleft = np.concatenate([np.zeros(bpp, np.int32), prior[:-bpp]])
        kind = i % 5
        pred = [0 * cur, left, prior, (left + prior) // 2, paeth(left, prior, upleft)][kind]
        out += bytes([kind]) + ((cur - pred) & 0xFF).astype(np.uint8).tobytes()
        prior = cur
    return bytes(out)


def pack_row(samples, depth):
    """One scanline of samples (already flattened over channels) at `depth` bits."""
    if depth == 16:
        return samples.astype(">u2").tobytes()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    per = 8 // depth
    padded = np.concatenate([samples, np.zeros((-len(samples)) % per, samples.dtype)]).reshape(-1, per)
    shifts = np.arange(per - 1, -1, -1) * depth
    return (padded.astype(np.int32) << shifts).sum(axis=1).astype(np.uint8).tobytes()


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, samples, color_type, depth, palette=None, trns=None, interlace=False, extra=b"", idat_split=3):
    """samples: (h, w, channels) integer array in the file's sample values."""
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                raw += filter_rows([pack_row(r.reshape(-1), depth) for r in sub], bpp)
    else:
        raw = filter_rows([pack_row(r.reshape(-1), depth) for r in samples], bpp)
    data = zlib.compress(raw, 9)
    parts = np.array_split(np.frombuffer(data, np.uint8), idat_split)  # several IDAT chunks, as encoders write
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    body += extra
    if palette is not None:
        body += chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        body += chunk(b"tRNS", trns)
    for p in parts:
        body += chunk(b"IDAT", bytes(p))
    body += chunk(b"IEND", b"")
    path.write_bytes(body)
    return body


def exif_tiff(orientation, big_endian=False):
    """TIFF-structured EXIF with one IFD0 entry: Orientation (0x0112, SHORT)."""
    e = ">" if big_endian else "<"
    head = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    value = struct.pack(e + "H", orientation) + b"\0\0"
    return head + struct.pack(e + "H", 1) + struct.pack(e + "HHI", 0x0112, 3, 1) + value + struct.pack(e + "I", 0)
