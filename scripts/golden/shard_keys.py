"""Golden values for the shard of an item id (docs/scale-out.md), from Python's hashlib alone.

key(id) = the first 8 bytes of SHA-256(UTF-8 of id), read as a big-endian unsigned integer;
an item belongs to shard key(id) mod N. The ids cover ASCII, an empty string, a space, a tab,
accents (precomposed and combining: different bytes, so different shards), CJK and an emoji.

Run: python3 scripts/golden/shard_keys.py   (standard library only)
Writes fixtures/golden/scaleout/shard_keys.json.
"""
import hashlib
import json
import pathlib
import sys

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/scaleout"
out.mkdir(parents=True, exist_ok=True)

ids = ["0", "1", "item-000042", "tt0111161", "", " ", "a\tb", "caf\u00e9", "cafe\u0301", "\u6620\u753b", "\U0001F3B5",
       "x" * 200]
counts = [1, 2, 3, 7, 1000]


def key(item_id: str) -> int:
    return int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "big")


cases = [{"id": i, "key": str(key(i)), "shards": {str(n): key(i) % n for n in counts}} for i in ids]
document = {"source": f"python {sys.version.split()[0]} hashlib.sha256", "cases": cases}
(out / "shard_keys.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
print(f"wrote {out / 'shard_keys.json'}")
