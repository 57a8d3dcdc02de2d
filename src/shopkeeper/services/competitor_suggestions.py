"""Which of our products a competitor's product is: the matcher's suggestions.

The catalogue is read once per batch or import (:class:`Catalogue`) and each competitor's
product met for the first time is scored against it (:func:`suggest`). The suggestion is
only a proposal: the owner confirms or rejects it (:mod:`.competitor_matches`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.ai.pricing.matching import CatalogueItem, FuzzyTitleMatcher
from shopkeeper.data.tables import CompetitorMatchRow, ProductRow
from shopkeeper.domain.competitor_prices import MatchStatus

# Attribute names whose values say what a product is; others (tags, handles) add noise.
KEY_ATTRIBUTES = frozenset(
    {"colour", "color", "couleur", "size", "taille", "volume", "contenance", "capacity",
     "weight", "poids", "flavour", "flavor", "parfum", "scent", "pack", "material", "matiere"}
)  # fmt: skip


def catalogue_items(session: Session, shop_id: int) -> list[CatalogueItem]:
    """The shop's active products as the matcher reads them."""
    rows = session.execute(
        select(
            ProductRow.sku,
            ProductRow.title,
            ProductRow.brand,
            ProductRow.size,
            ProductRow.attributes,
        )
        .where(ProductRow.shop_id == shop_id, ProductRow.status == "active")
        .order_by(ProductRow.sku)
    ).all()
    return [
        CatalogueItem(
            sku,
            title,
            brand=brand or "",
            size=size or "",
            attributes=tuple(
                str(value)
                for name, value in sorted((attributes or {}).items())
                if name.lower() in KEY_ATTRIBUTES and isinstance(value, str | int | float)
            ),
        )
        for sku, title, brand, size, attributes in rows
    ]


@dataclass
class Catalogue:
    """What recording needs from the catalogue, read once per batch or import."""

    skus: frozenset[str]
    matcher: FuzzyTitleMatcher

    @classmethod
    def load(cls, session: Session, shop_id: int) -> Catalogue:
        skus = session.scalars(select(ProductRow.sku).where(ProductRow.shop_id == shop_id))
        return cls(frozenset(skus), FuzzyTitleMatcher().fit(catalogue_items(session, shop_id)))


def suggest(match: CompetitorMatchRow, matcher: FuzzyTitleMatcher) -> None:
    """Score ``match`` against the catalogue: suggested when the best product is good enough."""
    candidates = matcher.predict(match.title)
    best = candidates[0] if candidates else None
    match.candidates = [asdict(c) for c in candidates]
    match.score = best.score if best else None
    match.reason = best.reason if best else "no product of ours resembles this title"
    if best is not None and best.suggested:
        match.status, match.sku = MatchStatus.SUGGESTED.value, best.sku
    else:
        match.status, match.sku = MatchStatus.UNMATCHED.value, None


def suggest_matches(session: Session, shop_id: int, *, catalogue: Catalogue | None = None) -> int:
    """Score every undecided match again (after a catalogue import, say); returns how many
    are now suggested. Confirmed and rejected matches are the owner's and stay as they are."""
    matcher = (catalogue or Catalogue.load(session, shop_id)).matcher
    undecided = session.scalars(
        select(CompetitorMatchRow).where(
            CompetitorMatchRow.shop_id == shop_id,
            CompetitorMatchRow.status.in_([MatchStatus.SUGGESTED, MatchStatus.UNMATCHED]),
        )
    ).all()
    for match in undecided:
        suggest(match, matcher)
    session.flush()
    return sum(m.status == MatchStatus.SUGGESTED for m in undecided)
