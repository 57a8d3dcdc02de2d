"""The context check: context features ship only when they rank better on the latest days."""

from __future__ import annotations

from datetime import date

import numpy as np

from shopkeeper.ai.recommend.context_choice import (
    PLAIN_FEATURES,
    choose_features,
    split_by_day,
    subset,
)
from shopkeeper.ai.recommend.context_features import ALL_FEATURES, RequestContext
from shopkeeper.ai.recommend.context_groups import BuiltGroups
from shopkeeper.ai.recommend.context_ranker import RankingGroups

SIZE = 8


def built(rain_decides: bool, n_groups: int = 400, seed: int = 0) -> BuiltGroups:
    """Groups over 20 days where either the rain lift or the session score picks the product."""
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n_groups * SIZE, len(ALL_FEATURES)))
    column = ALL_FEATURES.index("lift_rain" if rain_decides else "session_score")
    chosen = np.zeros(n_groups * SIZE)
    for g in range(n_groups):
        rows = slice(g * SIZE, (g + 1) * SIZE)
        chosen[g * SIZE + int(np.argmax(features[rows, column]))] = 1.0
    groups = RankingGroups(features, np.full(n_groups, SIZE, dtype=np.int64), chosen)
    contexts = [
        RequestContext(date(2026, 10, 1 + g % 20), 12, 3, 10, 10.0, 0.0, 0.0)
        for g in range(n_groups)
    ]
    skus = [tuple(f"S{g}-{i}" for i in range(SIZE)) for g in range(n_groups)]
    sessions = np.array([f"s{g}" for g in range(n_groups)])
    return BuiltGroups(groups, skus, contexts, sessions, n_groups)


def test_the_latest_days_are_held_out_whole_groups_at_a_time() -> None:
    every = built(rain_decides=True)
    early, late = split_by_day(every, 0.2)
    assert len(early.skus) + len(late.skus) == len(every.skus)
    assert max(c.day for c in early.contexts) < min(c.day for c in late.contexts)
    assert late.groups.features.shape == (len(late.skus) * SIZE, len(ALL_FEATURES))
    assert late.groups.chosen.sum() == len(late.skus)
    first = subset(every, np.arange(len(every.skus)) == 3)
    assert np.array_equal(first.groups.features, every.groups.features[3 * SIZE : 4 * SIZE])


def test_context_ships_when_it_ranks_better_on_the_latest_days() -> None:
    useful = choose_features(built(rain_decides=True))
    assert useful.names == ALL_FEATURES
    assert useful.uses_context
    assert useful.ndcg_context is not None
    assert useful.ndcg_plain is not None
    assert useful.ndcg_context > useful.ndcg_plain + 20  # rain picks the product


def test_the_choice_follows_the_validation_scores() -> None:
    for seed in range(3):
        choice = choose_features(built(rain_decides=False, seed=seed))
        assert choice.ndcg_context is not None
        assert choice.ndcg_plain is not None
        # The session score decides and the context columns are noise: whichever set
        # scored better on the held-out days is the one kept.
        assert choice.uses_context == (choice.ndcg_context > choice.ndcg_plain)
        assert choice.names == (ALL_FEATURES if choice.uses_context else PLAIN_FEATURES)


def test_too_little_history_keeps_every_feature() -> None:
    tiny = built(rain_decides=True, n_groups=1)
    choice = choose_features(tiny)
    assert choice.names == ALL_FEATURES
    assert choice.ndcg_context is None
