"""Golden values for TextFeatures from scikit-learn's CountVectorizer, TfidfVectorizer and
HashingVectorizer (versions pinned in scripts/golden/requirements.txt; Python's unicodedata 14.0).

Run: "$(scripts/dev-venv)"/bin/python scripts/golden/text_vectorizers.py
Writes fixtures/golden/text/: corpus.json (the documents), vectorizers.json (one case per
configuration: our TextOptions as JSON, scikit-learn's analyzer output, vocabulary, document
frequencies, total counts, idf and the output matrix as CSR), unicode.json (Python's `\\w`,
NFKC + lower of every BMP scalar, stop words, UTF-8 replacement cases).

How each configuration is mirrored (docs/text.md):
- normalize none, cjk none: scikit-learn's own analyzer (lowercase=True, default token_pattern).
- normalize nfkc: preprocessor = NFKC then str.lower (scikit-learn then skips its own lowercase).
- cjk unigrams/bigrams/both: a callable analyzer written here independently of the Swift code:
  runs of `\\w` (Python re), split into CJK / non-CJK sub-runs; a non-CJK sub-run of >= 2
  characters is a token; CJK sub-runs give unigrams and/or adjacent bigrams (a lone character is
  a unigram under `bigrams`); then scikit-learn's own stop-word and n-gram code (_word_ngrams).
"""
import itertools
import json
import pathlib
import re
import sys
import unicodedata

import numpy as np
import sklearn
from sklearn.feature_extraction.text import (ENGLISH_STOP_WORDS, CountVectorizer, HashingVectorizer,
                                             TfidfTransformer, TfidfVectorizer)
from sklearn.preprocessing import normalize as row_normalize

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from text_corpus import golden_corpus  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures/golden/text"
CJK_RANGES = [(0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3038, 0x303C), (0x3040, 0x30FF),
              (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F),
              (0x1B000, 0x1B16F), (0x20000, 0x2FA1F), (0x30000, 0x323AF)]
WORD_RUN = re.compile(r"\w+")


def is_cjk(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in CJK_RANGES)


def nfkc_lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def cjk_tokens(text: str, mode: str) -> list[str]:
    out = []
    for run in WORD_RUN.findall(text):
        for cjk, group in itertools.groupby(run, key=is_cjk):
            chars = list(group)
            if not cjk:
                if len(chars) >= 2:
                    out.append("".join(chars))
                continue
            for j, ch in enumerate(chars):
                if mode in ("unigrams", "both") or (mode == "bigrams" and len(chars) == 1):
                    out.append(ch)
                if mode in ("bigrams", "both") and j + 1 < len(chars):
                    out.append(ch + chars[j + 1])
    return out


def analyzer_for(case: dict):
    """The analyzer that mirrors `case["options"]["tokenizer"]`, plus keyword args for sklearn."""
    tok = {"normalize": "nfkc", "cjk": "bigrams", "stop_words": "none", "ngram_range": [1, 1]}
    tok |= case["options"].get("tokenizer", {})  # TextOptions' defaults, then the case's keys
    stop = tok["stop_words"]
    stop_arg = None if stop == "none" else ("english" if stop == "english" else list(stop))
    ngram = tuple(tok["ngram_range"])
    if tok["cjk"] == "none":
        kwargs = dict(lowercase=True, stop_words=stop_arg, ngram_range=ngram)
        if tok["normalize"] == "nfkc":
            kwargs["preprocessor"] = nfkc_lower
        return kwargs
    assert tok["normalize"] == "nfkc"
    helper = CountVectorizer(ngram_range=ngram)
    stop_set = None if stop_arg is None else (ENGLISH_STOP_WORDS if stop_arg == "english" else frozenset(stop_arg))

    def analyze(doc):
        return helper._word_ngrams(cjk_tokens(nfkc_lower(doc), tok["cjk"]), stop_set)
    return dict(analyzer=analyze)


def limits(case):
    v = case["options"].get("vocabulary", {})
    return dict(min_df=v.get("min_df", 1), max_df=v.get("max_df", 1.0), max_features=v.get("max_size"))


def csr_json(X):
    """CSR arrays, values rounded to 1e-8 (the tests compare to 1e-6)."""
    X = X.tocsr()
    X.sort_indices()
    return {"indptr": X.indptr.tolist(), "indices": X.indices.tolist(),
            "data": [round(float(x), 8) for x in X.data], "shape": list(X.shape)}


def vocabulary_case(case, docs):
    o = case["options"]
    kwargs = analyzer_for(case)
    counts = CountVectorizer(**kwargs, **limits(case)).fit(docs)
    C = counts.transform(docs)
    terms = counts.get_feature_names_out().tolist()
    totals = np.asarray(C.sum(axis=0)).ravel()
    if limits(case)["max_features"] is not None:
        # scikit-learn breaks ties at the cut arbitrarily (argsort is not stable): refuse ties there.
        full = CountVectorizer(**kwargs, min_df=limits(case)["min_df"], max_df=limits(case)["max_df"]).fit(docs)
        all_totals = np.sort(np.asarray(full.transform(docs).sum(axis=0)).ravel())[::-1]
        m = limits(case)["max_features"]
        assert all_totals[m - 1] != all_totals[m], f"{case['name']}: tie at the max_size cut"
    weighting = o.get("weighting", "tfidf")
    if weighting == "tfidf":
        vec = TfidfVectorizer(**kwargs, **limits(case), smooth_idf=o.get("smooth_idf", True),
                              sublinear_tf=o.get("sublinear_tf", False), norm=None if o.get("norm") == "none" else "l2")
        X = vec.fit_transform(docs)
        assert vec.get_feature_names_out().tolist() == terms
        idf = vec.idf_.tolist()
    else:
        X = CountVectorizer(**kwargs, **limits(case), binary=weighting == "binary").fit_transform(docs).astype(np.float64)
        if o.get("norm", "l2") == "l2":
            X = row_normalize(X, norm="l2")
        idf = []
    analyze = CountVectorizer(**kwargs).build_analyzer()
    case["expected"] = {
        "terms": terms, "document_frequencies": np.asarray((C > 0).sum(axis=0)).ravel().tolist(),
        "total_counts": [int(t) for t in totals], "idf": idf, "matrix": csr_json(X),
        "tokens": [analyze(d) for d in docs] if case.get("with_tokens") else [],
        "stop_words_dropped": len(getattr(counts, "stop_words_", set()) or ()),
    }


def hashing_case(case, docs):
    o = case["options"]
    h = o["hashing"]
    kwargs = analyzer_for(case)
    if o.get("weighting", "tfidf") == "tfidf":
        raw = HashingVectorizer(**kwargs, n_features=2 ** h["bits"], alternate_sign=h["alternate_sign"], norm=None)
        X = TfidfTransformer(smooth_idf=o.get("smooth_idf", True), sublinear_tf=o.get("sublinear_tf", False)).fit_transform(raw.transform(docs))
    else:
        X = HashingVectorizer(**kwargs, n_features=2 ** h["bits"], alternate_sign=h["alternate_sign"],
                              norm=None if o.get("norm") == "none" else "l2").transform(docs)
    X = X.tocsr()
    X.eliminate_zeros()
    case["expected"] = {"matrix": csr_json(X)}


CASES = [
    {"name": "sklearn_default", "with_tokens": True,
     "options": {"tokenizer": {"normalize": "none", "cjk": "none"}}},
    {"name": "nfkc_bigrams", "with_tokens": True, "options": {}},
    {"name": "nfkc_plain", "options": {"tokenizer": {"cjk": "none"}}},
    {"name": "stop_ngrams_limits", "with_tokens": True,
     "options": {"tokenizer": {"cjk": "both", "stop_words": "english", "ngram_range": [1, 2]},
                 "vocabulary": {"min_df": 2, "max_df": 0.3, "max_size": 0}, "smooth_idf": False, "sublinear_tf": True}},
    {"name": "unigrams_binary", "options": {"tokenizer": {"cjk": "unigrams", "stop_words": ["sale", "warranty"]},
                                            "weighting": "binary"}},
    {"name": "counts_trigrams", "options": {"tokenizer": {"ngram_range": [2, 3]}, "vocabulary": {"min_df": 2},
                                         "weighting": "count", "norm": "none"}},
    {"name": "hashing_signed_l2", "options": {"tokenizer": {"cjk": "none"}, "hashing": {"bits": 10, "alternate_sign": True},
                                              "weighting": "count"}},
    {"name": "hashing_tfidf", "options": {"tokenizer": {"cjk": "bigrams"}, "hashing": {"bits": 12, "alternate_sign": False},
                                          "sublinear_tf": True}},
]


def unicode_tables():
    word, assigned, folded = [], [], []
    for cp in range(0x10000):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cn", "Cs"):
            continue
        assigned.append(cp)
        if re.fullmatch(r"\w", ch):
            word.append(cp)
        f = nfkc_lower(ch)
        if f != ch:
            folded.append([cp, f])

    def ranges(cps):
        out = []
        for cp in cps:
            if out and out[-1][1] == cp:
                out[-1][1] = cp + 1
            else:
                out.append([cp, cp + 1])
        return out
    bad = [[0x66, 0xFF, 0x6F], [0xE2, 0x82], [0xC3, 0x28, 0x41], [0xED, 0xA0, 0x80, 0x7A], [0xF4, 0x90, 0x80, 0x80],
           [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0x61, 0xF0, 0x9F, 0x98], [0xEF, 0xBB, 0xBF, 0x68, 0x69]]
    return {"unidata_version": unicodedata.unidata_version, "assigned": ranges(assigned), "word": ranges(word),
            "folded": folded, "english_stop_words": sorted(ENGLISH_STOP_WORDS),
            "utf8_replace": [{"bytes": b, "text": bytes(b).decode("utf-8", "replace")} for b in bad]}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    docs = golden_corpus()
    for case in CASES:
        if case["options"].get("vocabulary", {}).get("max_size") == 0:
            # The largest max_size below the pruned vocabulary with no tie at the cut.
            probe = CountVectorizer(**analyzer_for(case), min_df=case["options"]["vocabulary"]["min_df"],
                                    max_df=case["options"]["vocabulary"]["max_df"]).fit(docs)
            totals = np.sort(np.asarray(probe.transform(docs).sum(axis=0)).ravel())[::-1]
            m = len(totals) * 2 // 3
            while totals[m - 1] == totals[m]:
                m -= 1
            case["options"]["vocabulary"]["max_size"] = int(m)
        (hashing_case if "hashing" in case["options"] else vocabulary_case)(case, docs)
        case.pop("with_tokens", None)
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}
    json.dump(docs, open(OUT / "corpus.json", "w", encoding="utf-8"), ensure_ascii=False, indent=0)
    json.dump({"versions": meta, "cases": CASES}, open(OUT / "vectorizers.json", "w", encoding="utf-8"),
              ensure_ascii=False, separators=(",", ":"))
    json.dump(unicode_tables() | {"versions": meta}, open(OUT / "unicode.json", "w", encoding="utf-8"),
              ensure_ascii=False, separators=(",", ":"))
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
