"""The long-format sales history every forecaster fits on, checked once at the door.

One row per series and period: ``unique_id`` (a SKU, a category, a store×department),
``ds`` (the period's start), ``y`` (units or money sold) and optional exogenous columns.
Problems a person can fix (no rows, missing columns, duplicates, non-numbers, negative
quantities where returns are not expected) raise :class:`InvalidInputError` with the
series and dates at fault; problems a forecaster can live with (a short history, an
all-zero series, an absurd spike) are kept in :attr:`SalesSeries.issues` so the
explanation can mention them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from shopkeeper.core.errors import InvalidInputError

REQUIRED = ("unique_id", "ds", "y")
# A value this many times the series' median non-zero magnitude is reported as absurd:
# real spikes of 50x happen (a viral day) but are worth a look before they drive a forecast.
ABSURD_FACTOR = 50.0
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class SeriesIssue:
    """Something a forecaster can work around but a person should know."""

    unique_id: str
    kind: str  # "short", "all_zero", "absurd", "filled"
    detail: str


@dataclass(frozen=True)
class SalesSeries:
    """A checked long-format history: sorted, one row per series and period, no gaps.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "unique_id": ["a", "a", "a"],
    ...     "ds": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-04"]),
    ...     "y": [3.0, 1.0, 2.0],
    ... })
    >>> series = SalesSeries.from_frame(frame, freq="D")
    >>> series.frame["y"].tolist()  # the missing 3 January counts as no sale
    [3.0, 1.0, 0.0, 2.0]
    >>> [issue.kind for issue in series.issues]
    ['filled']
    """

    frame: pd.DataFrame
    freq: str
    allow_negative: bool = False
    issues: tuple[SeriesIssue, ...] = field(default=())

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        freq: str = "D",
        fill_missing: bool = True,
        allow_negative: bool = False,
        min_length: int = 1,
    ) -> SalesSeries:
        """Check ``frame`` and return the cleaned history.

        Parameters
        ----------
        freq
            pandas frequency of the periods (``"D"``, ``"W-FRI"``, ``"MS"``).
        fill_missing
            Periods missing inside a series count as zero sales (a shop's export lists
            only days with sales). Off, a gap is an error.
        allow_negative
            Keep negative values (returns netted into sales, as in Walmart's data).
        min_length
            Series shorter than this are refused; longer but still short ones are
            reported as ``short`` issues by the forecaster.
        """
        _check_columns(frame)
        data = frame.copy()
        data["unique_id"] = data["unique_id"].astype(str)
        try:
            data["ds"] = pd.to_datetime(data["ds"])
        except (ValueError, TypeError) as exc:
            raise InvalidInputError(f"column 'ds' must hold dates: {exc}") from exc
        data["y"] = _numeric(data["y"])
        _check_duplicates(data)
        _check_values(data, allow_negative=allow_negative)
        data = data.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
        issues: list[SeriesIssue] = []
        data = _fill_gaps(data, freq=freq, fill=fill_missing, issues=issues)
        lengths = data.groupby("unique_id", sort=True).size()
        too_short = lengths[lengths < min_length]
        if len(too_short):
            raise InvalidInputError(
                f"{len(too_short)} series have fewer than {min_length} periods, "
                f"e.g. {_listed(too_short.index)}",
                series=[str(i) for i in too_short.index[:_MAX_LISTED]],
            )
        issues += _soft_issues(data)
        return cls(frame=data, freq=freq, allow_negative=allow_negative, issues=tuple(issues))

    @property
    def ids(self) -> tuple[str, ...]:
        """Series identifiers, sorted."""
        return tuple(sorted(self.frame["unique_id"].unique()))

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Names of the columns other than ``unique_id, ds, y``."""
        return tuple(c for c in self.frame.columns if c not in REQUIRED)

    def issues_of(self, unique_id: str) -> tuple[SeriesIssue, ...]:
        """The issues reported for one series."""
        return tuple(i for i in self.issues if i.unique_id == unique_id)


def _listed(values: pd.Index | list[str]) -> str:
    shown = [str(v) for v in list(values)[:_MAX_LISTED]]
    more = len(values) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _check_columns(frame: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"sales history needs columns unique_id, ds, y; missing {', '.join(missing)}",
            missing=missing,
        )
    if frame.empty:
        raise InvalidInputError("sales history is empty: nothing to forecast from")


def _numeric(column: pd.Series) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        raise InvalidInputError(
            f"column 'y' must be numbers; found {_listed([repr(v) for v in column[bad]])}"
        )
    return values.astype("float64")


def _check_duplicates(data: pd.DataFrame) -> None:
    dup = data.duplicated(["unique_id", "ds"], keep=False)
    if dup.any():
        rows = data.loc[dup, ["unique_id", "ds"]].drop_duplicates()
        pairs = [f"{u} on {d:%Y-%m-%d}" for u, d in rows.itertuples(index=False)]
        raise InvalidInputError(
            f"{len(rows)} (series, date) pairs appear more than once: {_listed(pairs)}; "
            "sum them before forecasting",
        )


def _check_values(data: pd.DataFrame, *, allow_negative: bool) -> None:
    y = data["y"].to_numpy()
    missing = ~np.isfinite(y)
    if missing.any():
        ids = data.loc[missing, "unique_id"].unique()
        raise InvalidInputError(
            f"{int(missing.sum())} sales values are missing or infinite, in {_listed(ids)}; "
            "write 0 for a period without sales",
        )
    negative = y < 0
    if negative.any() and not allow_negative:
        rows = data.loc[negative, ["unique_id", "ds", "y"]]
        shown = [f"{u} {d:%Y-%m-%d}: {v:g}" for u, d, v in rows.itertuples(index=False)]
        raise InvalidInputError(
            f"{int(negative.sum())} negative sales values ({_listed(shown)}); "
            "demand cannot be negative: fix them, or allow_negative=True if they are returns",
        )


def _fill_gaps(
    data: pd.DataFrame, *, freq: str, fill: bool, issues: list[SeriesIssue]
) -> pd.DataFrame:
    parts = []
    for uid, part in data.groupby("unique_id", sort=True):
        full = pd.date_range(part["ds"].iloc[0], part["ds"].iloc[-1], freq=freq)
        off_grid = ~part["ds"].isin(full)
        if off_grid.any():
            raise InvalidInputError(
                f"series {uid} has dates off the {freq!r} calendar, e.g. "
                f"{part['ds'][off_grid].iloc[0]:%Y-%m-%d}; aggregate to {freq!r} periods first",
            )
        gaps = len(full) - len(part)
        if gaps:
            if not fill:
                raise InvalidInputError(f"series {uid} misses {gaps} periods", series=str(uid))
            part = part.set_index("ds").reindex(full).rename_axis("ds").reset_index()
            part["unique_id"] = uid
            part["y"] = part["y"].fillna(0.0)
            issues.append(SeriesIssue(str(uid), "filled", f"{gaps} missing periods counted as 0"))
        parts.append(part)
    columns = ["unique_id", "ds", "y", *[c for c in data.columns if c not in REQUIRED]]
    return pd.concat(parts, ignore_index=True)[columns]


def _soft_issues(data: pd.DataFrame) -> list[SeriesIssue]:
    issues = []
    for uid, y in data.groupby("unique_id", sort=True)["y"]:
        values = np.abs(y.to_numpy())
        nonzero = values[values > 0]
        if not len(nonzero):
            issues.append(SeriesIssue(str(uid), "all_zero", "no sales in the whole history"))
            continue
        if len(nonzero) >= 5:
            limit = ABSURD_FACTOR * float(np.median(nonzero))
            absurd = int((values > limit).sum())
            if absurd:
                issues.append(
                    SeriesIssue(
                        str(uid),
                        "absurd",
                        f"{absurd} values above {ABSURD_FACTOR:g}x the median ({limit:g})",
                    )
                )
    return issues
