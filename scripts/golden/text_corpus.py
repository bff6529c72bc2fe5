"""Deterministic item descriptions (English with accented and Chinese/Japanese text), shared by
the golden generator (scripts/golden/text_vectorizers.py) and the benchmark peer
(scripts/bench/text_tfidf_peer.py). Not run by itself.
"""
import random

ADJECTIVES = ["wireless", "premium", "compact", "durable", "vintage", "ergonomic", "waterproof", "lightweight",
              "handmade", "organic", "portable", "stainless", "classic", "modern", "Ultra-Thin", "HD", "4K",
              "smart", "noise-cancelling", "rechargeable", "Bluetooth", "USB-C", "eco_friendly", "XL"]
NOUNS = ["headphones", "speaker", "backpack", "kettle", "lamp", "keyboard", "mouse", "monitor", "sofa", "jacket",
         "sneakers", "watch", "camera", "tripod", "blender", "notebook", "mug", "charger", "router", "tent",
         "novel", "thriller", "documentary", "comedy", "drama", "album", "board game", "puzzle"]
PHRASES = ["Perfect for travel and everyday use.", "Ships in 2-3 business days!", "Includes a 12-month warranty.",
           "Rated 4.5/5 by 1,200 customers.", "Made in Portugal from recycled materials.",
           "A gripping story of love, loss and redemption.", "Directed by an award-winning filmmaker.",
           "Fits laptops up to 15.6\"; weighs only 1.2 kg.", "Don't miss the director's cut (2019).",
           "Battery lasts 30 hours; charges in 90 min.", "Compatible with iOS & Android devices.",
           "Limited edition — only 500 units.", "Great gift for him/her…", "100% cotton, machine-washable."]
ACCENTED = ["café crème", "crème brûlée", "Müller's Küche", "São Paulo edition", "naïve résumé", "Ñandú piñata",
            "smørrebrød", "Ærøskøbing", "Zürich façade", "Ölçü ağırlık", "ÉCOLE ÉLÉGANTE", "Straße", "GROẞE Größe",
            "déjà vu", "jalapeño", "Crème Fraîche", "Łódź", "İstanbul", "ΟΔΟΣ ΣΟΦΙΑΣ", "Ελληνικά προϊόντα"]
CHINESE = ["无线蓝牙耳机", "高清智能电视", "这部电影讲述了一个感人的故事", "手机壳，防摔防水！", "不锈钢保温杯 500ml",
           "机械键盘（青轴）", "东京タワー限定版", "ラーメン鉢 セット", "ひらがなのほん", "日本製の包丁",
           "iPhone手机壳", "5G手机", "大", "口红 No.3", "纪录片：长城"]
ODDITIES = ["ﬁne ﬂour", "①②③ steps", "Ⅻ chapters", "x² + y²", "Ｆｕｌｌ－ｗｉｄｔｈ ＴＥＸＴ １２３", "ｶﾀｶﾅ ﾃｷｽﾄ",
            "cafe\u0301 au lait", "Kelvin 300\u212a", "snake_case_name", "e-mail: info@shop.example",
            "price: $19.99", "🎧 best 🎧 sound ❤️", "हिन्दी पुस्तक", "한국어 설명서", "مرحبا بالعالم",
            "ﾊﾝｶｸ ｶﾞｷﾞｸﾞ", "㍿ ㎏ ㍻", "ΣΑΣ Σ.", "co\u00adop", "½ price"]


SYLLABLES = ["ka", "lo", "mi", "tor", "ven", "zu", "ra", "pel", "qui", "dor", "sa", "ne", "bri", "fa", "gon", "xi",
             "lum", "ter", "ox", "vi", "mar", "no", "cel", "ad", "tri", "po", "un", "es", "ly", "ber"]


def brand(rng: random.Random) -> str:
    """A made-up brand name (30^2..30^3 of them), so the vocabulary grows with the corpus."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def description(rng: random.Random) -> str:
    """One item description: brand, model and title, then one to four sentences, sometimes
    accented or CJK."""
    model = f"{rng.choice('ABCDEFGHJKLMNPRSTVXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVXZ')}-{rng.randint(100, 9999)}"
    parts = [f"{brand(rng)} {model}: {rng.choice(ADJECTIVES).capitalize()} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}."]
    for _ in range(rng.randint(1, 4)):
        parts.append(rng.choice(PHRASES))
    roll = rng.random()
    if roll < 0.20:
        parts.insert(rng.randint(0, len(parts)), rng.choice(ACCENTED) + ".")
    elif roll < 0.35:
        parts.insert(rng.randint(0, len(parts)), rng.choice(CHINESE))
    elif roll < 0.40:
        parts.append(rng.choice(ODDITIES))
    return " ".join(parts)


def corpus(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [description(rng) for _ in range(count)]


def golden_corpus() -> list[str]:
    """A few hundred descriptions plus every accented, CJK and odd snippet on its own."""
    docs = corpus(240, seed=7)
    docs += ACCENTED + CHINESE + ODDITIES
    docs += ["", "   ", "!!! ... ???", "the and of", "a", "x y z 1 2 3"]
    return docs
