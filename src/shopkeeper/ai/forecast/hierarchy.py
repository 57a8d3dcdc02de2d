"""The hierarchy a set of series adds up along: SKU -> category -> shop, store×dept -> store.

A :class:`Hierarchy` knows every node's id and level, the summing matrix ``S`` (row ``i``
sums the bottom series that node ``i`` is made of) and how to aggregate a bottom history
into every node's history. :mod:`.reconcile` makes forecasts of all the nodes add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse  # type: ignore[import-untyped]

from shopkeeper.core.errors import InvalidInputError

TOTAL_LEVEL = "total"
_MAX_LISTED = 5


def listed(values: list[str] | set[str]) -> str:
    """At most five of ``values``, sorted, and how many more."""
    shown = sorted(str(v) for v in values)
    more = len(shown) - _MAX_LISTED
    return ", ".join(shown[:_MAX_LISTED]) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Hierarchy:
    """Bottom series and the aggregates they add up to, top level first.

    ``levels`` maps each level's name to its node ids (sorted): ``total`` (one node, when
    there is a total), then the grouping levels in the order given, then the bottom level.
    ``parents[level][i]`` is the node of ``level`` that ``bottom[i]`` adds up to. Groupings
    need not nest (store and department of the same store×department both work).

    Examples
    --------
    >>> tree = Hierarchy.from_groups(
    ...     {"category": {"SKU-1": "garden", "SKU-2": "garden", "SKU-3": "kitchen"}},
    ...     total="shop",
    ...     bottom_level="sku",
    ... )
    >>> tree.ids
    ('shop', 'garden', 'kitchen', 'SKU-1', 'SKU-2', 'SKU-3')
    >>> tree.summing_matrix().toarray().astype(int).tolist()[:3]
    [[1, 1, 1], [1, 1, 0], [0, 0, 1]]
    >>> history = pd.DataFrame({"unique_id": ["SKU-1", "SKU-3"], "ds": ["2026-01-01"] * 2,
    ...                         "y": [2.0, 5.0]})
    >>> tree.aggregate(history).set_index("unique_id")["y"].to_dict()
    {'shop': 7.0, 'garden': 2.0, 'kitchen': 5.0, 'SKU-1': 2.0, 'SKU-3': 5.0}
    """

    bottom: tuple[str, ...]
    parents: Mapping[str, tuple[str, ...]]
    total: str | None = "total"
    bottom_level: str = "bottom"

    @classmethod
    def from_groups(
        cls,
        groups: Mapping[str, Mapping[str, str]],
        *,
        total: str | None = "total",
        bottom_level: str = "bottom",
    ) -> Hierarchy:
        """Build from ``{level: {bottom id: node id}}``; every level must map every bottom id.

        ``total`` names the node that sums everything (``None``: no such node). Node ids must
        be unique across levels: a category named like a SKU would make a frame ambiguous.
        """
        if not groups and total is None:
            raise InvalidInputError("a hierarchy needs a total or at least one grouping level")
        names = [TOTAL_LEVEL] * (total is not None) + [*groups, bottom_level]
        if len(set(names)) != len(names):
            raise InvalidInputError(f"level names must differ: {', '.join(names)}")
        if groups:
            bottom = tuple(sorted(str(b) for b in next(iter(groups.values()))))
        else:
            raise InvalidInputError(
                "the bottom ids come from a grouping level; for bottom series and their total "
                "only, map each to the total: {'shop': {id: 'shop', ...}} with total=None"
            )
        known = set(bottom)
        parents: dict[str, tuple[str, ...]] = {}
        for level, mapping in groups.items():
            missing, extra = known - set(mapping), set(mapping) - known
            if missing or extra:
                raise InvalidInputError(
                    f"level {level!r} must map the same bottom ids as the others; "
                    f"missing {listed(missing) or 'none'}, extra {listed(extra) or 'none'}",
                    level=level,
                )
            labels = tuple(str(mapping[b]) for b in bottom)
            if any(not label for label in labels):
                raise InvalidInputError(f"level {level!r} has an empty node id")
            parents[level] = labels
        seen: dict[str, str] = dict.fromkeys(bottom, bottom_level)
        for level, labels in [*parents.items(), *([(TOTAL_LEVEL, (total,))] if total else [])]:
            for label in set(labels):
                if label in seen:
                    raise InvalidInputError(
                        f"node id {label!r} is used by levels {seen[label]!r} and {level!r}",
                        node=label,
                    )
                seen[label] = level
        return cls(bottom=bottom, parents=parents, total=total, bottom_level=bottom_level)

    @property
    def levels(self) -> dict[str, tuple[str, ...]]:
        """Node ids per level, top level first, bottom level last."""
        found: dict[str, tuple[str, ...]] = {}
        if self.total is not None:
            found[TOTAL_LEVEL] = (self.total,)
        for level, labels in self.parents.items():
            found[level] = tuple(sorted(set(labels)))
        found[self.bottom_level] = self.bottom
        return found

    @property
    def ids(self) -> tuple[str, ...]:
        """Every node, in the order of the summing matrix's rows (aggregates, then bottom)."""
        return tuple(uid for ids in self.levels.values() for uid in ids)

    def level_of(self) -> dict[str, str]:
        """Each node's level."""
        return {uid: level for level, ids in self.levels.items() for uid in ids}

    def summing_matrix(self) -> sparse.csr_matrix:
        """``S`` (nodes × bottom series): row ``i`` sums the bottom series of node ``i``."""
        row = {uid: i for i, uid in enumerate(self.ids)}
        n_bottom = len(self.bottom)
        columns = np.arange(n_bottom)
        rows = [np.full(n_bottom, row[self.total])] if self.total is not None else []
        rows += [np.array([row[p] for p in labels]) for labels in self.parents.values()]
        rows.append(np.array([row[b] for b in self.bottom]))
        all_rows = np.concatenate(rows)
        all_columns = np.tile(columns, len(rows))
        data = np.ones(len(all_rows))
        return sparse.csr_matrix((data, (all_rows, all_columns)), shape=(len(row), n_bottom))

    def aggregate(self, frame: pd.DataFrame, columns: tuple[str, ...] = ("y",)) -> pd.DataFrame:
        """Bottom rows (``unique_id, ds`` and ``columns``) plus their sums for every aggregate.

        A (bottom series, date) pair without a row counts 0 in the sums.
        """
        require(frame, ("unique_id", "ds", *columns), "history")
        ids = frame["unique_id"].astype(str)
        unknown = set(ids) - set(self.bottom)
        if unknown:
            raise InvalidInputError(
                f"{len(unknown)} series are not bottom series of the hierarchy: "
                f"{listed(unknown)}; add them to the mapping",
                series=sorted(unknown)[:_MAX_LISTED],
            )
        rows = frame.assign(unique_id=ids)
        parts = []
        position = {b: i for i, b in enumerate(self.bottom)}
        index = ids.map(position).to_numpy()
        if self.total is not None:
            parts.append(rows.assign(unique_id=self.total))
        for labels in self.parents.values():
            parts.append(rows.assign(unique_id=np.asarray(labels, dtype=object)[index]))
        summed = (
            pd.concat(parts, ignore_index=True)
            .groupby(["unique_id", "ds"], sort=False)[list(columns)]
            .sum()
            .reset_index()
        )
        out = pd.concat([summed, rows[["unique_id", "ds", *columns]]], ignore_index=True)
        order = {uid: i for i, uid in enumerate(self.ids)}
        out["_order"] = out["unique_id"].map(order)
        return (
            out.sort_values(["_order", "ds"], kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)
        )


def require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{what}: missing columns {', '.join(missing)}", missing=missing)
