"""A synthetic catalogue and competitor titles written from it, for measuring matching.

The catalogue holds hard neighbours on purpose: the same product in two sizes, the same
product from two brands, two products of one brand. Each competitor title is one of our
products rewritten with seeded perturbations a scraper meets: typos, reordered words,
marketing words, quantities in another unit, upper case, the brand moved or left out,
the qualifier left out. The
negatives are products we do not sell: a size we do not stock, or a product of ours under
another of our brands.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from shopkeeper.ai.pricing.matching import SUGGEST_AT, CatalogueItem, FuzzyTitleMatcher

# brand, product, qualifier, sizes we stock, a size we do not
LINES: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("Maison Arabica", "Café en grains", "Pur arabica", ("250 g", "500 g"), "1 kg"),
    ("CaféMalin", "Café en grains", "Intense", ("500 g", "1 kg"), "250 g"),
    ("Théière d'Or", "Thé vert", "Bio", ("100 g",), "250 g"),
    ("Torréfacteur Lyonnais", "Capsules espresso", "Décaféiné", ("10 capsules",), "50 capsules"),
    ("Source des Alpes", "Eau pétillante", "Naturelle", ("1 l", "1,5 l"), "50 cl"),
    ("Lorina", "Limonade", "Artisanale", ("75 cl",), "33 cl"),
    ("Jus de Normandie", "Jus de pomme", "Pressé", ("1 l",), "25 cl"),
    ("Maison Verte", "Liquide vaisselle", "Citron", ("500 ml", "1 l"), "3 l"),
    ("Brillance", "Lessive liquide", "Lavande", ("1,5 l",), "3 l"),
    ("Net & Sain", "Savon noir", "Concentré", ("500 ml",), "1 l"),
    ("Lumière de Provence", "Crème mains", "Au karité", ("50 ml", "100 ml"), "250 ml"),
    ("Belle Peau", "Shampooing", "Hydratant", ("250 ml",), "500 ml"),
    ("DouxPrix", "Gel douche", "Sensitive", ("250 ml", "500 ml"), "1 l"),
    ("Épicerie Fine Durand", "Huile d'olive", "Extra vierge", ("500 ml", "1 l"), "250 ml"),
    ("Terroir & Co", "Miel de lavande", "Bio", ("250 g",), "500 g"),
    ("Goûts du Sud", "Tapenade noire", "Artisanale", ("180 g",), "90 g"),
    ("EcoPanier", "Pâtes fusilli", "Complètes", ("500 g", "1 kg"), "3 kg"),
    ("Royal Museau", "Croquettes chien", "Senior", ("3 kg", "10 kg"), "1 kg"),
    ("Compagnon", "Croquettes chat", "Saumon", ("1,5 kg",), "4 kg"),
    ("Croq'Éco", "Litière chat", "Agglomérante", ("10 l",), "20 l"),
    ("Petit Prince Bébé", "Lingettes bébé", "Douces", ("64 lingettes",), "3 x 64 lingettes"),
    ("Câlin", "Couches", "Taille 3", ("52 couches",), "104 couches"),
    ("Atelier Marais", "T-shirt col rond", "Coton bio blanc", ("taille M",), "taille XL"),
    ("Pas Léger", "Baskets running", "Noires", ("pointure 42",), "pointure 44"),
)
# Two of our products sold under another of our brands: the competitor's title names it.
CROSS_BRAND = (("CaféMalin", 0), ("Lumière de Provence", 12))

MARKETING = (
    "PROMO",
    "NOUVEAU",
    "-20%",
    "Livraison gratuite",
    "Best seller",
    "Offre spéciale",
    "NEW",
    "Prix choc",
    "Édition limitée",
    "Top vente",
)
UNIT_REWRITES = {
    "250 g": "0,25 kg",
    "500 g": "0.5kg",
    "1 kg": "1000 g",
    "100 g": "0,1 kg",
    "1,5 l": "1.5 L",
    "1 l": "100 cl",
    "75 cl": "0,75 L",
    "500 ml": "0,5 l",
    "50 ml": "5 cl",
    "100 ml": "10cl",
    "250 ml": "25 cl",
    "3 kg": "3000g",
    "10 kg": "10kg",
    "1,5 kg": "1500 g",
    "10 l": "10 litres",
    "180 g": "180g",
}


def catalogue() -> list[CatalogueItem]:
    """Our products: one per line and stocked size, skus ``L<line>-S<size>``."""
    return [
        CatalogueItem(f"L{line}-S{s}", f"{product} {qualifier}", brand=brand, size=size)
        for line, (brand, product, qualifier, sizes, _) in enumerate(LINES)
        for s, size in enumerate(sizes)
    ]


@dataclass(frozen=True)
class CompetitorTitle:
    """A competitor's title and the sku it describes (``None``: we do not sell it)."""

    title: str
    sku: str | None
    perturbations: tuple[str, ...]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioursnt") + word[i + 1 :]


def _write(
    brand: str, product: str, qualifier: str, size: str, rng: random.Random
) -> tuple[str, tuple[str, ...]]:
    applied = rng.sample(
        (
            "typo",
            "reorder",
            "marketing",
            "units",
            "upper",
            "brand_last",
            "no_brand",
            "no_qualifier",
        ),
        k=rng.randint(2, 3),
    )
    if "units" in applied:
        size = UNIT_REWRITES.get(size, size)
    words = product.split()
    if "typo" in applied:
        candidates = [i for i, w in enumerate(words) if len(w) >= 5]
        if candidates:
            i = rng.choice(candidates)
            words[i] = _typo(words[i], rng)
    body = " ".join(words)
    if "no_qualifier" not in applied:
        body = f"{body} {qualifier}"
    if "reorder" in applied:
        parts = body.split()
        rng.shuffle(parts)
        body = " ".join(parts)
    if "no_brand" in applied:
        brand = ""
    title = f"{body} {brand} {size}" if "brand_last" in applied else f"{brand} {body} {size}"
    title = " ".join(title.split())
    if "marketing" in applied:
        extra = rng.sample(MARKETING, k=rng.randint(1, 2))
        title = f"{extra[0]} {title}" + (f" - {extra[1]}" if len(extra) > 1 else "")
    if "upper" in applied:
        title = title.upper()
    return title, tuple(sorted(applied))


def competitor_titles(seed: int = 7, per_product: int = 3) -> list[CompetitorTitle]:
    """``per_product`` rewritten titles of each product, then the negatives."""
    rng = random.Random(seed)
    titles: list[CompetitorTitle] = []
    for line, (brand, product, qualifier, sizes, missing) in enumerate(LINES):
        for s, size in enumerate(sizes):
            for _ in range(per_product):
                title, applied = _write(brand, product, qualifier, size, rng)
                titles.append(CompetitorTitle(title, f"L{line}-S{s}", applied))
        title, applied = _write(brand, product, qualifier, missing, rng)
        titles.append(CompetitorTitle(title, None, ("size we do not sell", *applied)))
    for other_brand, line in CROSS_BRAND:
        _, product, qualifier, sizes, _ = LINES[line]
        title, applied = _write(other_brand, product, qualifier, sizes[0], rng)
        titles.append(CompetitorTitle(title, None, ("brand we do not sell it under", *applied)))
    return titles


@dataclass(frozen=True)
class MatchingQuality:
    """Precision and recall of the suggestions, and how often the right sku ranks first."""

    positives: int
    negatives: int
    suggested: int
    correct: int
    top1: int
    top3: int

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.positives

    @property
    def top1_accuracy(self) -> float:
        return self.top1 / self.positives

    @property
    def top3_recall(self) -> float:
        return self.top3 / self.positives


def measure(seeds: range, *, suggest_at: float = SUGGEST_AT) -> MatchingQuality:
    """Match every title of ``seeds`` against :func:`catalogue`; count what was suggested."""
    matcher = FuzzyTitleMatcher().fit(catalogue())
    positives = negatives = suggested = correct = top1 = top3 = 0
    for seed in seeds:
        for title in competitor_titles(seed):
            candidates = matcher.predict(title.title)
            best = candidates[0] if candidates else None
            if title.sku is None:
                negatives += 1
            else:
                positives += 1
                top1 += best is not None and best.sku == title.sku
                top3 += any(c.sku == title.sku for c in candidates)
            if best is not None and best.score >= suggest_at:
                suggested += 1
                correct += best.sku == title.sku
    return MatchingQuality(positives, negatives, suggested, correct, top1, top3)


if __name__ == "__main__":
    # The figures docs/pricing.md states: seeds the thresholds were not chosen on.
    held_out = range(200, 230)
    for threshold in (65.0, 70.0, SUGGEST_AT, 80.0, 85.0):
        q = measure(held_out, suggest_at=threshold)
        print(
            f"suggest at {threshold:.0f}: {q.positives} titles of ours, {q.negatives} not ours; "
            f"precision {q.precision:.3f}, recall {q.recall:.3f}, "
            f"top-1 {q.top1_accuracy:.3f}, top-3 {q.top3_recall:.3f}"
        )
