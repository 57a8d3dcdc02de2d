"""Each product's own statistical model, or one LightGBM over all of them with the shop's signals.

:class:`~.local.LocalForecaster` chooses a statistical model per series on its last
``n_windows`` windows. :class:`~.global_model.GlobalForecaster` is fitted on the same
windows' histories with the regressors (price, events, weather, searches, competitor
prices; :mod:`.regressors`), the not-known-ahead ones replaced as on a real forecast day
(:func:`~.regressors.persist`), and once more without them. The regressors are kept only
if they lower the products' validation errors significantly (a paired t-test); then a series takes the global model when its
validation MAE beats the local choice's by ``margin``. So the pooled model earns its place
product by product, and the signals theirs as a whole. A series on the global model
explains itself by the model's own contributions, in units a day ("price +0.60 a day: 20%
below the usual price").

Choosing costs ``2 × n_windows`` extra global fits; ``selection_`` keeps the choice as a
plain value and :meth:`SignalForecaster.reusing_choice` refits without validating (the
daily run).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.stats import ttest_rel  # type: ignore[import-untyped]

from shopkeeper.ai.base import Model
from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.global_model import GlobalForecaster
from shopkeeper.ai.forecast.intervals import step_bounds
from shopkeeper.ai.forecast.local import LocalForecaster
from shopkeeper.ai.forecast.prediction import Forecast, ForecastQuery
from shopkeeper.ai.forecast.regressors import REGRESSORS, forget_future, persist
from shopkeeper.ai.forecast.samples import sample
from shopkeeper.ai.forecast.series import REQUIRED, SalesSeries
from shopkeeper.ai.forecast.shape import forecast_shape
from shopkeeper.ai.registry import register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

MODEL_NAME = "LightGBM with signals"
POOLED_NAME = "LightGBM over all products"
# Share of the local choice's validation MAE the global model must save to replace it.
DEFAULT_MARGIN = 0.05
# The regressors are kept when a one-sided paired t-test over products says they lower
# the validation error at this level. On the demo shop, prices and events known ahead save
# only 0.5% of the total error, but consistently over 963 products (p = 4e-5); a regressor
# of pure noise passes one time in a hundred (at 5%, one of the tests' eight synthetic
# shops kept one).
SIGNAL_P_VALUE = 0.01
_TOP_DRIVERS = 3


def _global_defaults() -> dict[str, Any]:
    # Fewer, shallower trees than the Walmart settings: daily shop data is noisier and the
    # nightly run fits several of these.
    return {"n_estimators": 150, "num_leaves": 31, "learning_rate": 0.05}


@register(
    sample=sample,
    factory=lambda: SignalForecaster(horizon=7, n_windows=2, global_params={"n_estimators": 20}),
)
class SignalForecaster(Model[SalesSeries, ForecastQuery, Forecast]):
    """Per series, the local statistical choice or a global LightGBM with the shop's signals.

    Parameters
    ----------
    season_length, horizon, n_windows, levels
        As for :class:`~.local.LocalForecaster`; the global model is validated on the same
        windows.
    unknown_ahead
        Exogenous columns whose future is not known on a forecast day: validation forgets
        their values after each cut and fills them as a forecast does
        (:func:`~.regressors.persist`); the others are taken as known ahead.
    margin
        Share of the local validation MAE the global model must save to be chosen.
    train_days
        Days of history (before each cut) the global model learns from; ``None``: all.
    global_params
        Extra :class:`~.global_model.GlobalForecaster` settings.
    chosen
        A previous fit's ``selection_``: its series keep their choice, nothing is validated.
    searched
        Structures an earlier selection searched, passed to the local forecaster
        (:meth:`SignalForecaster.reselecting` sets it).

    Examples
    --------
    >>> days = pd.date_range("2026-01-01", periods=150, freq="D")
    >>> promo = [1.0 if d.day <= 5 else 0.0 for d in days]
    >>> frame = pd.concat([pd.DataFrame({"unique_id": uid, "ds": days, "promo": promo,
    ...     "y": [base * (3.0 if p else 1.0) for p in promo]}) for uid, base in
    ...     zip("abcdef", (10.0, 20.0, 5.0, 8.0, 12.0, 15.0))])
    >>> model = SignalForecaster(horizon=14, n_windows=2, unknown_ahead=(),
    ...                          global_params={"n_estimators": 60})
    >>> model = model.fit(SalesSeries.from_frame(frame))
    >>> model.regressors_, model.choices_["a"]  # the weekly cycle cannot foresee promotions
    (('promo',), 'LightGBM with signals')
    >>> future = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2026-05-31",
    ...     periods=14, freq="D"), "promo": [0.0] + [1.0] * 5 + [0.0] * 8})
    >>> mean = model.predict(FutureQuery(horizon=14, unique_ids=("a",), future=future))
    >>> bool(mean.frame["mean"].iloc[1:6].min() > 2 * mean.frame["mean"].iloc[7:].max())
    True
    """

    capability = "forecast"

    def __init__(
        self,
        *,
        season_length: int = 7,
        horizon: int = 28,
        n_windows: int = 3,
        levels: tuple[int, ...] = (80, 95),
        unknown_ahead: tuple[str, ...] = REGRESSORS,
        margin: float = DEFAULT_MARGIN,
        train_days: int | None = 365,
        global_params: Mapping[str, Any] | None = None,
        chosen: Mapping[str, Any] | None = None,
        searched: Mapping[str, Any] | None = None,
        n_jobs: int = 1,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.n_windows = n_windows
        self.levels = levels
        self.unknown_ahead = unknown_ahead
        self.margin = margin
        self.train_days = train_days
        self.global_params = global_params
        self.chosen = chosen
        self.searched = searched
        self.n_jobs = n_jobs

    def __repr__(self) -> str:
        shown = [
            f"{k}=<choice of {len(v.get('global', []))} global series>"
            if k == "chosen" and v is not None
            else f"{k}=<structures of {len(v)} series>"
            if k == "searched" and v is not None
            else f"{k}={v!r}"
            for k, v in self.params().items()
        ]
        return f"{self.name()}({', '.join(shown)})"

    def _check_params(self) -> None:
        if not 0 <= self.margin < 1:
            raise InvalidInputError("margin must be a share in [0, 1)", margin=self.margin)
        if self.train_days is not None and self.train_days < 2 * self.horizon:
            raise InvalidInputError(
                "train_days must cover at least two horizons", train_days=self.train_days
            )

    def _local(self) -> LocalForecaster:
        previous = (self.chosen or {}).get("local")
        return LocalForecaster(
            season_length=self.season_length,
            horizon=self.horizon,
            n_windows=self.n_windows,
            levels=self.levels,
            chosen=previous,
            searched=self.searched,
            n_jobs=self.n_jobs,
        )

    def _global(self, levels: tuple[int, ...]) -> GlobalForecaster:
        params = {**_global_defaults(), **dict(self.global_params or {})}
        return GlobalForecaster(
            season_length=self.season_length, horizon=self.horizon, levels=levels, **params
        )

    def reusing_choice(self) -> Self:
        """An unfitted twin that reuses this fit's choice (``chosen=self.selection_``)."""
        self.check_fitted()
        return type(self)(**{**self.params(), "chosen": self.selection_, "searched": None})

    def reselecting(self) -> Self:
        """An unfitted twin that selects afresh, reusing the local structures this fit
        searched while they are young enough (:meth:`.local.LocalForecaster.reselecting`)."""
        self.check_fitted()
        searched = self.selection_["local"].get("searched")
        return type(self)(**{**self.params(), "chosen": None, "searched": searched})

    def fit(self, data: SalesSeries) -> Self:
        self._check_params()
        self.forget()
        self.local_: LocalForecaster = self._local().fit(data)
        local_scores = {
            uid: scores[self.local_.choices_[uid]]
            for uid, scores in self.local_.scores_.items()
            if self.local_.choices_.get(uid) in scores
        }
        if self.chosen is not None:
            wanted = set(self.chosen.get("global", ()))
            self.regressors_: tuple[str, ...] = tuple(
                c for c in self.chosen.get("regressors", data.exogenous) if c in data.exogenous
            )
            self.validation_: dict[str, float] = dict(self.chosen.get("validation", {}))
            self.signal_check_: dict[str, float] = dict(self.chosen.get("signal_check", {}))
            self.interval_bounds_: dict[int, list[list[float]]] = {
                int(level): bounds
                for level, bounds in self.chosen.get("interval_bounds", {}).items()
            }
        elif data.exogenous:
            self.regressors_, errors, self.signal_check_ = self._choose_regressors(data)
            mae = _mae(errors)
            self.validation_ = {u: round(v, 6) for u, v in mae.items()}
            self.interval_bounds_ = self._interval_bounds(errors, mae)
            wanted = {
                uid
                for uid, mae in self.validation_.items()
                if uid in local_scores and mae < (1 - self.margin) * local_scores[uid]
            }
        else:
            self.regressors_, self.validation_, self.signal_check_, wanted = (), {}, {}, set()
            self.interval_bounds_ = {}
        self.global_: GlobalForecaster | None = None
        global_ids: set[str] = set()
        if wanted:
            columns = [*REQUIRED, *self.regressors_]
            recent = self._recent(data.frame[columns], None, data.freq)
            self.global_ = self._global(self.levels).fit(recent)
            global_ids = wanted & set(self.global_.global_ids_)
        self.global_ids_: tuple[str, ...] = tuple(sorted(global_ids))
        self.local_scores_: dict[str, float] = local_scores
        self.global_name_: str = MODEL_NAME if self.regressors_ else POOLED_NAME
        self.choices_: dict[str, str] = {
            uid: self.global_name_ if uid in global_ids else model
            for uid, model in self.local_.choices_.items()
        }
        self.selection_: dict[str, Any] = {
            "local": self.local_.selection_,
            "global": list(self.global_ids_),
            "regressors": list(self.regressors_),
            "validation": dict(sorted(self.validation_.items())),
            "signal_check": self.signal_check_,
            "interval_bounds": self.interval_bounds_,
        }
        return self

    def _interval_bounds(
        self, errors: pd.DataFrame, mae: dict[str, float]
    ) -> dict[int, list[list[float]]]:
        """Scaled error offsets per level and step, pooled over every validated series.

        The pooled model's own (mlforecast) conformal intervals rest on a handful of
        errors per series and step and came out narrow: 80 % intervals covered 69 % of the
        days on the products that chose the model. These use the validation errors just
        measured, each divided by its series' MAE and pooled per step
        (:func:`~.intervals.step_bounds`), as the local models' intervals do.
        """
        if errors.empty:
            return {}
        scale = errors["unique_id"].map(mae).replace(0.0, float("nan"))
        scaled = (errors["error"] / scale).to_numpy(dtype="float64")
        steps = errors["step"].to_numpy(dtype="int64")
        return {
            level: step_bounds(steps, scaled, level, self.horizon).round(6).tolist()
            for level in self.levels
        }

    def _choose_regressors(
        self, data: SalesSeries
    ) -> tuple[tuple[str, ...], pd.DataFrame, dict[str, float]]:
        """The regressors, if they beat the same model without them on validation.

        Signals whose future is unknown on a forecast day can as well add noise as
        information, so they have to earn their place: both variants forecast the same
        windows and the regressors are kept only if they lower the products' errors
        significantly (:data:`SIGNAL_P_VALUE`). Returns the regressors kept, the validation
        errors of the variant kept, and both totals (with the test's p-value when run).
        """
        with_signals = self._validate(data, data.exogenous)
        without = self._validate(data, ())
        mae_with, mae_without = _mae(with_signals), _mae(without)
        common = sorted(set(mae_with) & set(mae_without))
        paired_with = [mae_with[u] for u in common]
        paired_without = [mae_without[u] for u in common]
        totals = {"with": round(sum(paired_with), 6), "without": round(sum(paired_without), 6)}
        keep = False
        if len(common) >= 2 and totals["with"] < totals["without"]:
            test = ttest_rel(paired_without, paired_with, alternative="greater")
            totals["p_value"] = round(float(test.pvalue), 6)
            keep = totals["p_value"] < SIGNAL_P_VALUE
        return (data.exogenous if keep else (), with_signals if keep else without, totals)

    def _recent(self, frame: pd.DataFrame, cut: pd.Timestamp | None, freq: str) -> SalesSeries:
        """The history up to ``cut`` (all when ``None``), its last ``train_days`` only."""
        part = frame if cut is None else frame[frame["ds"] <= cut]
        if self.train_days is not None:
            last = part["ds"].max()
            part = part[part["ds"] > last - pd.Timedelta(days=self.train_days)]
        return SalesSeries(frame=part.reset_index(drop=True), freq=freq)

    def _validate(self, data: SalesSeries, columns: tuple[str, ...]) -> pd.DataFrame:
        """The global model's signed errors (``unique_id, step, error``) on the local
        validation windows, with these regressors, for series validated on every window."""
        frame = data.frame[[*REQUIRED, *columns]]
        last = frame["ds"].max()
        step = pd.tseries.frequencies.to_offset(data.freq)
        errors: list[pd.DataFrame] = []
        for window in range(self.n_windows, 0, -1):
            cut = last - step * (self.horizon * window)
            train = self._recent(frame, cut, data.freq)
            model = self._global(()).fit(train)
            ids = tuple(model.global_ids_)
            if not ids:
                continue
            ahead = frame[
                (frame["ds"] > cut)
                & (frame["ds"] <= cut + step * self.horizon)
                & frame["unique_id"].isin(ids)
            ]
            unknown = tuple(c for c in self.unknown_ahead if c in columns)
            future = persist(train.frame, forget_future(ahead, unknown), unknown)
            complete = ahead.groupby("unique_id").size()
            ids = tuple(str(u) for u in complete[complete == self.horizon].index)
            if not ids:
                continue
            predicted = model.predict(
                FutureQuery(horizon=self.horizon, unique_ids=ids, future=future)
            ).frame
            merged = predicted.merge(ahead[list(REQUIRED)], on=["unique_id", "ds"])
            merged = merged.sort_values(["unique_id", "ds"], kind="stable")
            errors.append(
                pd.DataFrame(
                    {
                        "unique_id": merged["unique_id"].astype(str),
                        "step": merged.groupby("unique_id").cumcount() + 1,
                        "error": merged["y"] - merged["mean"],
                    }
                )
            )
        if not errors:
            return pd.DataFrame({"unique_id": [], "step": [], "error": []})
        table = pd.concat(errors, ignore_index=True)
        windows = table.groupby("unique_id")["step"].size() // self.horizon
        # Only series validated on every window compare fairly with the local choice.
        every = windows.index[windows == self.n_windows]
        return table[table["unique_id"].isin(every)].reset_index(drop=True)

    def predict(self, query: ForecastQuery) -> Forecast:
        self.check_fitted()
        local = self.local_.predict(query).frame
        asked = set(local["unique_id"])
        ids = tuple(u for u in self.global_ids_ if u in asked)
        if not ids or self.global_ is None:
            return Forecast(frame=local)
        narrowed = _narrowed(query, ids)
        found = self.global_.predict(narrowed).frame.assign(model=self.global_name_)
        found = self._calibrated(found)
        kept = local[~local["unique_id"].isin(ids)]
        frame = pd.concat([kept, found[local.columns]], ignore_index=True)
        return Forecast(frame=frame.sort_values(["unique_id", "ds"]).reset_index(drop=True))

    def _calibrated(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The global series' intervals from the pooled validation errors (when measured).

        A series' interval is its validation MAE times the pooled offsets of its step;
        series without a validation MAE keep the model's own interval.
        """
        if not self.interval_bounds_:
            return frame
        frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
        scale = frame["unique_id"].map(self.validation_)
        known = scale.notna().to_numpy()
        steps = frame.groupby("unique_id").cumcount().to_numpy()
        mean = frame["mean"].to_numpy(dtype="float64")
        for level, bounds in self.interval_bounds_.items():
            offsets = np.asarray(bounds, dtype="float64")
            at = offsets[np.minimum(steps, len(offsets) - 1)]
            unit = scale.to_numpy(dtype="float64")
            # Demand is never negative; neither are the bounds.
            low = np.maximum(mean + unit * at[:, 0], 0.0)
            high = np.maximum(mean + unit * at[:, 1], 0.0)
            for column, values in ((f"lo-{level}", low), (f"hi-{level}", high)):
                if column in frame:
                    frame[column] = np.where(known, values, frame[column].to_numpy())
        return frame

    def explain(self, query: ForecastQuery, prediction: Forecast) -> Explanation:
        self.check_fitted()
        ids = prediction.ids
        if len(ids) != 1:
            explained = self.explanations(query)
            counts: dict[str, int] = {}
            for uid in ids:
                counts[self.choices_[uid]] = counts.get(self.choices_[uid], 0) + 1
            mix = ", ".join(f"{name} for {n}" for name, n in sorted(counts.items()))
            return Explanation(
                f"{len(ids)} series: {mix}." if ids else "No series asked, nothing forecast.",
                tuple(f for uid in ids for f in explained[uid].factors[:1]),
            )
        return self.explanations(query)[ids[0]]

    def explanations(self, query: ForecastQuery) -> dict[str, Explanation]:
        """Every asked series' explanation, the global model's contributions computed once."""
        self.check_fitted()
        local = self.local_.predict(query)
        out: dict[str, Explanation] = {}
        for uid, part in local.frame.groupby("unique_id", sort=True):
            key = str(uid)
            if key in self.global_ids_:
                continue
            one = ForecastQuery(horizon=query.horizon, unique_ids=(key,))
            chosen = self.local_.explain(one, Forecast(part))
            # What the forecast says first, then why this model: owners read the first.
            said, shape = forecast_shape(part)
            out[key] = Explanation(f"{said} {chosen.summary}", (*shape, *chosen.factors))
        asked = set(local.ids)  # built once: a set per global series made this quadratic
        ids = tuple(u for u in self.global_ids_ if u in asked)
        if ids and self.global_ is not None:
            contributions, features = self.global_.contributions_and_features(_narrowed(query, ids))
            drawn = self.predict(_narrowed(query, ids)).frame
            # One split per frame, not a mask per series: thousands of series are explained.
            values_of = {str(u): p for u, p in features.groupby("unique_id", sort=False)}
            drawn_of = {str(u): p for u, p in drawn.groupby("unique_id", sort=False)}
            for owner, part in contributions.groupby("unique_id", sort=True):
                key = str(owner)
                values = values_of[key]
                said, shape = forecast_shape(drawn_of[key])
                why = self._global_reason(key, part, values)
                out[key] = Explanation(f"{said} {why.summary}", (*why.factors, *shape))
        return out

    def _global_reason(
        self, uid: str, contributions: pd.DataFrame, features: pd.DataFrame
    ) -> Explanation:
        assert self.global_ is not None
        scale = self.global_.scale_.get(uid, 0.0)
        effects: dict[str, float] = {}
        for column in contributions.columns:
            if column in ("unique_id", "bias"):
                continue
            group = _driver_group(column)
            effects[group] = effects.get(group, 0.0) + float(contributions[column].mean()) * scale
        top = sorted(effects.items(), key=lambda kv: -abs(kv[1]))[:_TOP_DRIVERS]
        total = sum(abs(v) for v in effects.values()) or 1.0
        listed: list[Factor] = []
        for name, effect in top:
            label, detail = _driver(name, features, effect)
            listed.append(Factor(label, round(abs(effect) / total, 4), detail))
        factors = tuple(listed)
        local_mae = self.local_scores_.get(uid)
        versus = (
            f" (validation MAE {self.validation_[uid]:.2f} against {local_mae:.2f} for "
            f"{self.local_.choices_[uid]})"
            if uid in self.validation_ and local_mae is not None
            else ""
        )
        check = self.signal_check_
        left_out = (
            f" The shop's signals were left out: they did not improve validation (total MAE "
            f"{check['with']:.1f} with them, {check['without']:.1f} without)."
            if not self.regressors_ and check
            else ""
        )
        summary = (
            f"{self.global_name_}{versus}. Main drivers over the next {len(contributions)} "
            "days: "
            + "; ".join(f"{f.name.replace('_', ' ')} {f.detail}" for f in factors)
            + "."
            + left_out
        )
        return Explanation(summary, factors)


def _mae(errors: pd.DataFrame) -> dict[str, float]:
    """Each series' mean absolute validation error."""
    mae = errors["error"].abs().groupby(errors["unique_id"]).mean()
    return {str(u): float(v) for u, v in mae.items()}


def _narrowed(query: ForecastQuery, ids: tuple[str, ...]) -> FutureQuery:
    future = getattr(query, "future", None)
    return FutureQuery(horizon=query.horizon, unique_ids=ids, future=future)


_GROUPS = {"dayofweek": "day_of_week", "month": "time_of_year", "week_of_year": "time_of_year"}


def _driver_group(feature: str) -> str:
    """Lags and rolling means are one driver, recent sales; calendar columns two."""
    if feature.startswith(("lag", "rolling_")):
        return "recent_sales"
    return _GROUPS.get(feature, feature)


# The words an owner reads for each driver (the regressors' column names are for code).
_LABELS = {
    "price_index": "price",
    "event_k": "local_events",
    "temp_c": "temperature",
    "precip_mm": "rain",
    "search_index": "searches",
    "competitor_gap": "competitors",
}


def _what(name: str, value: float | None) -> str:
    """What the driver's signal says over the forecast days, in an owner's words."""
    if value is None:
        return "no data"
    if name == "price_index":
        change = value - 1
        if abs(change) < 0.02:
            return "at the usual price"
        return f"{abs(change):.0%} {'below' if change < 0 else 'above'} the usual price"
    if name == "search_index":
        change = value - 1
        return f"searches {'up' if change >= 0 else 'down'} {abs(change):.0%} on the 4 weeks before"
    if name == "competitor_gap":
        return f"{abs(value):.0%} {'dearer' if value > 0 else 'cheaper'} than competitors"
    if name == "temp_c":
        return f"around {value:.0f} °C"
    if name == "precip_mm":
        return f"{value:.1f} mm a day" if value >= 0.5 else "dry"
    if name == "event_k":
        return f"{value:.0f}k people a day" if value > 0 else "none announced"
    return ""


def _driver(name: str, features: pd.DataFrame, effect: float) -> tuple[str, str]:
    """The driver's label and its detail: the effect on daily demand, then what it reads."""
    known = name in features and features[name].notna().any()
    what = _what(name, float(features[name].mean()) if known else None) if name in _LABELS else ""
    detail = f"{effect:+.2f} a day" + (f": {what}" if what else "")
    return _LABELS.get(name, name), detail
