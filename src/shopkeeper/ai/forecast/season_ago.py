"""Last season's sales, cleaned of noise across similar series and moved by the recent trend.

For weekly retail sales with a yearly season, the value of the same week a year earlier is
a hard baseline to beat (it knows the holidays, the back-to-school rush, the summer lull).
Two things make it better: the year-ago week is itself noisy, so it is taken from the
series' low-rank reconstruction within its group (:func:`~.denoise.denoise_by_group`, e.g.
one department across all stores); and a series that has been selling more than a year
ago lately will probably go on doing so, so a share (``level_shrink``) of its mean
year-on-year difference over the last ``level_window`` periods is added. Series shorter
than one season get the mean of their history.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import pandas as pd

from shopkeeper.ai.base import Model
from shopkeeper.ai.forecast.denoise import denoise_by_group
from shopkeeper.ai.forecast.intervals import error_bounds
from shopkeeper.ai.forecast.prediction import Forecast, ForecastQuery
from shopkeeper.ai.forecast.samples import sample
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.registry import register
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.domain.explanation import Explanation, Factor

MODEL_NAME = "SeasonAgo"
FALLBACK_NAME = "HistoricMean"
# In-sample errors kept per series for its interval: the last two seasons at most.
_ERROR_SEASONS = 2


@register(
    sample=sample,
    factory=lambda: SeasonAgoForecaster(season_length=7, horizon=7, denoise_rank=1),
)
class SeasonAgoForecaster(Model[SalesSeries, ForecastQuery, Forecast]):
    """Same period one season earlier (denoised within its group) plus a shrunk recent shift.

    Parameters
    ----------
    season_length
        Periods in a season (52 for weeks in a year).
    horizon
        Longest horizon ``predict`` answers; past one season the last season repeats.
    levels
        Prediction interval levels in percent, from the rule's own errors on the history.
    group_column
        A column constant within each series (department, category) naming the series that
        share a seasonal shape; ``None``: all series form one group.
    denoise_rank
        Singular vectors kept per group; ``0`` uses the raw season-ago values.
    level_window, level_shrink
        The recent year-on-year difference is averaged over ``level_window`` periods and
        ``level_shrink`` of it is added (0: plain seasonal naive).

    Examples
    --------
    >>> days = pd.date_range("2026-01-01", periods=28, freq="D")
    >>> frame = pd.DataFrame({"unique_id": "a", "ds": days,
    ...                       "y": [10.0 + 5 * (d.dayofweek >= 5) + i / 7 for i, d in
    ...                             enumerate(days)]})
    >>> model = SeasonAgoForecaster(season_length=7, horizon=7, level_shrink=1.0)
    >>> forecast = model.fit(SalesSeries.from_frame(frame)).predict(ForecastQuery(horizon=7))
    >>> (forecast.frame["mean"] - frame["y"].tail(7).to_numpy()).round(6).tolist()  # trend
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """

    capability = "forecast"

    def __init__(
        self,
        *,
        season_length: int = 7,
        horizon: int = 28,
        levels: tuple[int, ...] = (80, 95),
        group_column: str | None = None,
        denoise_rank: int = 0,
        level_window: int = 13,
        level_shrink: float = 0.5,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.levels = levels
        self.group_column = group_column
        self.denoise_rank = denoise_rank
        self.level_window = level_window
        self.level_shrink = level_shrink

    def _check_params(self, data: SalesSeries) -> None:
        for name in ("season_length", "horizon", "level_window"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"{name} must be at least 1", **{name: getattr(self, name)})
        if self.denoise_rank < 0:
            raise InvalidInputError("denoise_rank must be 0 or more")
        if not all(0 < level < 100 for level in self.levels):
            raise InvalidInputError("levels must be percentages between 0 and 100")
        if self.group_column is not None and self.group_column not in data.exogenous:
            raise InvalidInputError(
                f"group column {self.group_column!r} is not in the history",
                column=self.group_column,
            )

    def fit(self, data: SalesSeries) -> Self:
        self._check_params(data)
        self.forget()
        frame = data.frame
        wide = frame.pivot(index="unique_id", columns="ds", values="y")
        if self.group_column is None:
            groups = pd.Series("all", index=wide.index)
        else:
            groups = frame.groupby("unique_id")[self.group_column].first().astype(str)
        smooth = denoise_by_group(wide, groups, self.denoise_rank)
        self.group_sizes_: dict[str, int] = {
            str(u): int(n) for u, n in groups.map(groups.value_counts()).items()
        }
        self.freq_: str = data.freq
        self.allow_negative_: bool = data.allow_negative
        ends = frame.groupby("unique_id")["ds"].max()
        self.last_ds_: dict[str, pd.Timestamp] = {str(u): d for u, d in ends.items()}
        # Right-aligned: column -1 is every series' last period, whenever it ended.
        raw, clean = _right_aligned(wide.to_numpy()), _right_aligned(smooth.to_numpy())
        self.states_: dict[str, dict[str, Any]] = {
            str(uid): state for uid, state in zip(wide.index, self._states(raw, clean), strict=True)
        }
        return self

    def _states(self, raw: np.ndarray, clean: np.ndarray) -> list[dict[str, Any]]:
        """Per series: the season to repeat, the shift to add, the interval offsets."""
        season = self.season_length
        lengths = np.isfinite(raw).sum(axis=1)
        yoy = raw[:, season:] - raw[:, :-season]
        # The shift as it was known one period before each past value: honest errors.
        known = (
            (pd.DataFrame(yoy.T).rolling(self.level_window, min_periods=1).mean().shift(1))
            .to_numpy()
            .T
        )
        rule = clean[:, :-season] + self.level_shrink * np.nan_to_num(known)
        errors = (raw[:, season:] - rule)[:, -_ERROR_SEASONS * season :]
        recent = yoy[:, -self.level_window :]
        counted = np.isfinite(recent).sum(axis=1)
        shifts = np.where(counted > 0, np.nansum(recent, axis=1) / np.maximum(counted, 1), 0.0)
        states = []
        for row, length in enumerate(lengths):
            if length <= season:
                values = raw[row, -length:]
                mean = float(values.mean())
                profile, shift, errs, model = (
                    np.full(season, mean),
                    0.0,
                    values - mean,
                    FALLBACK_NAME,
                )
            else:
                profile, shift = clean[row, -season:], float(shifts[row])
                errs, model = errors[row], MODEL_NAME
            bounds = {level: error_bounds(errs, level) for level in self.levels}
            states.append({"profile": profile, "shift": shift, "bounds": bounds, "model": model})
        return states

    def _ids(self, query: ForecastQuery) -> tuple[str, ...]:
        if not 1 <= query.horizon <= self.horizon:
            raise InvalidInputError(
                f"horizon must be between 1 and {self.horizon}, the horizon fitted",
                horizon=query.horizon,
            )
        if not query.unique_ids:
            return tuple(sorted(self.states_))
        unknown = sorted(set(query.unique_ids) - set(self.states_))
        if unknown:
            raise NotFoundError(f"no history for series {', '.join(unknown[:5])}")
        return tuple(sorted(set(query.unique_ids)))

    def predict(self, query: ForecastQuery) -> Forecast:
        self.check_fitted()
        ids = self._ids(query)
        states = [self.states_[uid] for uid in ids]
        steps = np.arange(query.horizon) % self.season_length
        shifts = np.array([state["shift"] for state in states])
        mean = np.stack([state["profile"][steps] for state in states])
        mean += self.level_shrink * shifts[:, None]
        # Series ending on the same period share their forecast dates.
        ends = pd.Series([self.last_ds_[uid] for uid in ids])
        dates = {
            end: pd.date_range(end, periods=query.horizon + 1, freq=self.freq_)[1:]
            for end in ends.unique()
        }
        result = pd.DataFrame(
            {
                "unique_id": np.repeat(ids, query.horizon),
                "ds": np.concatenate([dates[end] for end in ends]),
                "mean": mean.ravel(),
                "model": np.repeat([state["model"] for state in states], query.horizon),
            }
        )
        for level in self.levels:
            for side, position in (("lo", 0), ("hi", 1)):
                offset = np.array([state["bounds"][level][position] for state in states])
                result[f"{side}-{level}"] = (mean + offset[:, None]).ravel()
        numeric = [c for c in result.columns if c not in ("unique_id", "ds", "model")]
        if not self.allow_negative_:
            # Demand is never negative; neither are its forecast or interval bounds.
            result[numeric] = result[numeric].clip(lower=0.0)
        return Forecast(frame=result)

    def components(self, unique_ids: tuple[str, ...]) -> pd.DataFrame:
        """Per series: the mean season-ago value and the shift added to every period."""
        self.check_fitted()
        rows = [
            {
                "unique_id": uid,
                "season_ago": float(np.mean(self.states_[uid]["profile"])),
                "recent_shift": self.level_shrink * self.states_[uid]["shift"],
                "model": self.states_[uid]["model"],
            }
            for uid in unique_ids
        ]
        return pd.DataFrame(rows, columns=["unique_id", "season_ago", "recent_shift", "model"])

    def explain(self, query: ForecastQuery, prediction: Forecast) -> Explanation:
        self.check_fitted()
        ids = prediction.ids
        if not ids:
            return Explanation("No series asked, nothing forecast.")
        table = self.components(ids)
        short = table.loc[table["model"] == FALLBACK_NAME, "unique_id"].tolist()
        note = (
            f" {len(short)} series ({', '.join(short[:3])}) have less than one season of "
            "history: their historic mean."
            if short
            else ""
        )
        regular = table[table["model"] == MODEL_NAME]
        if regular.empty:
            return Explanation("Historic mean for every series asked." + note)
        base, shift = float(regular["season_ago"].mean()), float(regular["recent_shift"].mean())
        total = abs(base) + abs(shift) or 1.0
        smoothing = (
            f", denoised across the {max(self.group_sizes_[u] for u in regular['unique_id'])} "
            f"series of its group (rank {self.denoise_rank})"
            if self.denoise_rank
            else ""
        )
        factors = (
            Factor(
                "season_ago",
                round(abs(base) / total, 4),
                f"the same periods one season ({self.season_length} periods) earlier"
                f"{smoothing}: {base:.2f} per period on average",
            ),
            Factor(
                "recent_shift",
                round(abs(shift) / total, 4),
                f"the last {self.level_window} periods sold {abs(shift) / (self.level_shrink or 1):.2f} "
                f"per period {'more' if shift >= 0 else 'less'} than a season earlier; "
                f"{100 * self.level_shrink:.0f}% of that is carried forward",
            ),
        )
        who = ids[0] if len(ids) == 1 else f"{len(regular)} series"
        summary = (
            f"Season-ago forecast for {who}: {base:.2f} from the same periods a season "
            f"earlier{smoothing}, {'+' if shift >= 0 else '-'} {abs(shift):.2f} for the "
            "recent shift, per period." + note
        )
        return Explanation(summary, factors)


def _right_aligned(values: np.ndarray) -> np.ndarray:
    """Each row moved right so that its last non-missing value sits in the last column."""
    out = np.full_like(values, np.nan, dtype="float64")
    present = np.isfinite(values)
    for row in range(len(values)):
        where = np.flatnonzero(present[row])
        if len(where):
            kept = values[row, where[0] : where[-1] + 1]
            out[row, values.shape[1] - len(kept) :] = kept
    return out
