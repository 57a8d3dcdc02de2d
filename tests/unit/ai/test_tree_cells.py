"""The cell memo answers bit for bit what LightGBM answers, on the values that are hard."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest

from shopkeeper.ai.recommend.context_ranker import ContextRankQuery, LambdaRankContextRanker
from shopkeeper.ai.recommend.context_ranker import sample as ranker_sample
from shopkeeper.ai.recommend.tree_cells import CellMemo, _thresholds


def _booster(seed: int) -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(400, 4))
    x[:, 3] = rng.integers(0, 3, size=400)  # a column with few values: splits at midpoints
    y = x[:, 0] + 0.5 * (x[:, 3] > 1) + rng.normal(scale=0.3, size=400)
    params = {"objective": "regression", "num_leaves": 7, "verbose": -1, "num_threads": 1}
    return lgb.train(params, lgb.Dataset(x, label=y), num_boost_round=30), x


def _hard_rows(booster: lgb.Booster, rng: np.random.Generator) -> np.ndarray:
    """Rows on thresholds, next to them, NaN, near-zero and infinite values."""
    cuts = _thresholds(booster)
    assert cuts is not None
    rows = rng.normal(size=(300, 4))
    for column, values in enumerate(cuts):
        if len(values):
            picks = rng.choice(values, size=100)
            rows[:100, column] = picks
            rows[100:200, column] = np.nextafter(picks, np.inf)
    rows[200:220, 0] = np.nan
    rows[220:240, 1] = 1e-36
    rows[240:250, 2] = -np.inf
    rows[250:260, 2] = np.inf
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_scores_and_contributions_equal_the_boosters_exactly(seed: int) -> None:
    booster, _ = _booster(seed)
    memo = CellMemo(booster)
    rows = _hard_rows(booster, np.random.default_rng(seed))
    for _ in range(2):  # the second pass is answered from the memo
        assert np.array_equal(memo.scores(rows), booster.predict(rows, num_threads=1))
        expected = booster.predict(rows, pred_contrib=True, num_threads=1)
        assert np.array_equal(memo.contributions(rows), expected)


def test_rows_in_one_cell_are_asked_of_lightgbm_once() -> None:
    booster, x = _booster(0)
    memo = CellMemo(booster)
    memo.scores(x[:50])
    asked = len(memo._scores)
    memo.scores(np.vstack([x[:50], x[:50]]))
    assert len(memo._scores) == asked <= 50


def test_a_ranked_answer_is_the_same_with_and_without_the_memo() -> None:
    data = ranker_sample(0).data
    model = LambdaRankContextRanker(n_estimators=40, context_estimators=20).fit(data)
    query = ranker_sample(0).queries[1]
    query = ContextRankQuery(query.skus, query.features, query.context, explain_top=4)
    memoised = model.predict(query)
    model.trees_.memo._grid = None  # every row to LightGBM, as before the memo
    assert model.predict(query) == memoised
