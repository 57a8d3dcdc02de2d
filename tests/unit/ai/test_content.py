"""ContentSimilarityRecommender: look-alikes by text, cold items, weights and reasons."""

from __future__ import annotations

import pytest

from shopkeeper.ai.recommend.content import (
    CatalogItem,
    ContentSimilarityRecommender,
    SimilarQuery,
)
from shopkeeper.core.errors import InvalidInputError, NotFittedError

CATALOG = (
    CatalogItem.build("BOOT-1", "Brown leather boot", "shoes", "Acme", {"colour": "brown"}),
    CatalogItem.build("BOOT-2", "Black leather boot", "shoes", "Acme", {"colour": "black"}),
    CatalogItem.build("SNEAK", "Canvas sneaker", "shoes", "Runr", {"colour": "white"}),
    CatalogItem.build("BELT", "Brown leather belt", "belts", "Acme", {"colour": "brown"}),
    CatalogItem.build("SCARF", "Wool scarf", "scarves", "Knit Co", {"colour": "red"}),
)


def ranked(model: ContentSimilarityRecommender, query: SimilarQuery) -> list[str]:
    return [s.sku for s in model.predict(query)]


def test_the_closest_product_shares_words_category_and_brand() -> None:
    model = ContentSimilarityRecommender().fit(CATALOG)
    answer = ranked(model, SimilarQuery(skus=("BOOT-1",), k=4))
    assert answer[0] == "BOOT-2"
    assert "BOOT-1" not in answer
    assert "SCARF" not in answer
    summary = model.explain(
        SimilarQuery(skus=("BOOT-1",)), (model.predict(SimilarQuery(skus=("BOOT-1",), k=1))[0],)
    ).summary
    assert "same category: shoes" in summary
    assert "shared words: boot, leather" in summary


def test_a_heavier_category_weight_prefers_the_same_category() -> None:
    by_words = ContentSimilarityRecommender(category_weight=0.0).fit(CATALOG)
    by_category = ContentSimilarityRecommender(category_weight=5.0).fit(CATALOG)
    query = SimilarQuery(skus=("BOOT-1",), k=4, exclude=frozenset({"BOOT-2"}))
    assert ranked(by_words, query)[0] == "BELT"  # brown, leather, Acme
    assert ranked(by_category, query)[0] == "SNEAK"


def test_a_product_added_after_the_fit_gets_neighbours_from_its_text() -> None:
    model = ContentSimilarityRecommender().fit(CATALOG)
    new = CatalogItem.build("NEW", "Wool winter scarf", "scarves", "Knit Co")
    assert ranked(model, SimilarQuery(skus=("NEW",), k=2, unseen=(new,))) == ["SCARF"]
    assert model.predict(SimilarQuery(skus=("NEW",))) == ()


def test_several_skus_are_weighted() -> None:
    model = ContentSimilarityRecommender().fit(CATALOG)

    def boot_score(weights: tuple[float, float]) -> float:
        query = SimilarQuery(skus=("BELT", "SCARF"), weights=weights, k=5)
        return {s.sku: s.score for s in model.predict(query)}["BOOT-1"]

    # The scarf shares nothing with the boot: the more it weighs, the less the boot scores.
    assert boot_score((5.0, 1.0)) > 2 * boot_score((1.0, 5.0)) > 0


def test_bad_input_and_unfitted_use_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        ContentSimilarityRecommender().fit((*CATALOG, CATALOG[0]))
    with pytest.raises(InvalidInputError):
        SimilarQuery(skus=("A", "B"), weights=(1.0,))
    with pytest.raises(NotFittedError):
        ContentSimilarityRecommender().predict(SimilarQuery(skus=("BOOT-1",)))


def test_a_catalogue_without_text_fits_and_answers_nothing() -> None:
    model = ContentSimilarityRecommender().fit((CatalogItem("A", ""), CatalogItem("B", "")))
    assert model.predict(SimilarQuery(skus=("A",))) == ()
