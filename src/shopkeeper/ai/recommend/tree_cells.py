"""LightGBM outputs remembered per cell of the trees' split grid: exact, and cheap to serve.

A tree sends a row left or right by comparing one feature with one threshold, so every
output of a booster (the score, and each TreeSHAP contribution, which follow only the
left/right decisions and the trees' own counts) is the same for all rows that fall on the
same side of every threshold. A small re-ranker has a few dozen thresholds in all, so the
candidates of many requests fall in a few hundred cells: each cell is asked of LightGBM
once and then read back, bit for bit what LightGBM would answer again.

The cell of a row is, per feature, how many of that feature's thresholds lie below the
value, after the two input rules LightGBM applies before comparing: NaN reads as 0 when a
split has no missing-value direction, and values within ``1e-35`` of zero read as 0. A
booster with categorical splits or missing-value directions is not memoised (every call
goes to LightGBM), so the shortcut never has to imitate those rules.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
# LightGBM's kZeroThreshold: its dense-row reader drops values this close to zero.
_ZERO = 1e-35
# Enough for every cell a shop's requests reach; past it the memo starts over.
MAX_CELLS = 100_000


def _thresholds(booster: lgb.Booster) -> list[FloatArray] | None:
    """Each feature's sorted split thresholds; ``None`` when a split is not plain ``<=``."""
    model: dict[str, Any] = booster.dump_model()
    found: list[set[float]] = [set() for _ in range(booster.num_feature())]
    pending = [tree["tree_structure"] for tree in model["tree_info"]]
    while pending:
        node = pending.pop()
        if "split_feature" not in node:
            continue  # a leaf
        if node["decision_type"] != "<=" or node["missing_type"] != "None":
            return None
        found[int(node["split_feature"])].add(float(node["threshold"]))
        pending.extend((node["left_child"], node["right_child"]))
    return [np.asarray(sorted(values), dtype=np.float64) for values in found]


class CellMemo:
    """A booster's scores and contributions, computed once per cell of its split grid.

    Thread-safe in the way a cache of pure results needs: two threads that miss the same
    cell both ask LightGBM and store the same answer.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 3))
    >>> data = lgb.Dataset(x, label=x[:, 0] > 0, params={"verbose": -1})
    >>> booster = lgb.train({"objective": "binary", "verbose": -1}, data, num_boost_round=5)
    >>> memo = CellMemo(booster)
    >>> rows = x[:20]
    >>> bool(np.array_equal(memo.scores(rows), booster.predict(rows, num_threads=1)))
    True
    >>> same = booster.predict(rows, pred_contrib=True, num_threads=1)
    >>> bool(np.array_equal(memo.contributions(rows), same))
    True
    """

    def __init__(self, booster: lgb.Booster) -> None:
        self.booster = booster
        self._grid = _thresholds(booster)
        self._scores: dict[bytes, float] = {}
        self._contributions: dict[bytes, FloatArray] = {}

    def _cells(self, rows: FloatArray) -> list[bytes] | None:
        if self._grid is None:
            return None
        read = np.where(np.isnan(rows) | (np.abs(rows) <= _ZERO), 0.0, rows)
        codes = np.empty(rows.shape, dtype=np.int32)
        for column, cuts in enumerate(self._grid):
            # side="left": a value equal to a threshold goes left, as ``x <= t`` does.
            codes[:, column] = np.searchsorted(cuts, read[:, column], side="left")
        return [row.tobytes() for row in codes]

    def scores(self, rows: FloatArray) -> FloatArray:
        """``booster.predict(rows)`` with one thread, from the memo where it can."""
        cells = self._cells(rows)
        if cells is None:
            return np.asarray(self.booster.predict(rows, num_threads=1), dtype=np.float64)
        memo = self._scores
        missing = [i for i, cell in enumerate(cells) if cell not in memo]
        if missing:
            new = np.asarray(self.booster.predict(rows[missing], num_threads=1), dtype=np.float64)
            if len(memo) + len(missing) > MAX_CELLS:
                memo.clear()
            for i, value in zip(missing, new.tolist(), strict=True):
                memo[cells[i]] = value
        out = [memo.get(cell) for cell in cells]
        if any(value is None for value in out):  # cleared by another thread meanwhile
            return np.asarray(self.booster.predict(rows, num_threads=1), dtype=np.float64)
        return np.asarray(out, dtype=np.float64)

    def contributions(self, rows: FloatArray) -> FloatArray:
        """``booster.predict(rows, pred_contrib=True)`` (features then bias), memoised."""
        cells = self._cells(rows)
        if cells is None or not len(rows):
            return np.asarray(
                self.booster.predict(rows, pred_contrib=True, num_threads=1), dtype=np.float64
            )
        memo = self._contributions
        missing = [i for i, cell in enumerate(cells) if cell not in memo]
        if missing:
            new = np.asarray(
                self.booster.predict(rows[missing], pred_contrib=True, num_threads=1),
                dtype=np.float64,
            )
            if len(memo) + len(missing) > MAX_CELLS:
                memo.clear()
            for i, values in zip(missing, new, strict=True):
                memo[cells[i]] = values
        held = [memo.get(cell) for cell in cells]
        if any(values is None for values in held):
            return np.asarray(
                self.booster.predict(rows, pred_contrib=True, num_threads=1), dtype=np.float64
            )
        return np.vstack(held)  # type: ignore[arg-type]  # no None left, checked above
