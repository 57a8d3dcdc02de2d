"""Forecast every product's daily demand and keep the result where everyone reads it.

:func:`run_forecasts` reads the shop's daily sales (:mod:`.sales_history`) with its prices
and signals as regressors (:mod:`.forecast_inputs`), fits the
:class:`~shopkeeper.ai.forecast.with_signals.SignalForecaster` (per product, a statistical
model chosen by rolling-origin validation, or the global LightGBM with the signals where
that validated better), records the fit as a model run and rewrites one
``product_forecasts`` row per product: the daily points with their intervals, the model
and its reason (the validation errors, or the signals' contributions in units a day).
:func:`get_forecast` reads one product back with its recent sales.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, select

from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.prediction import Forecast
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.forecast.with_signals import SignalForecaster
from shopkeeper.core.errors import InvalidInputError, NotFoundError, ShopkeeperError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductForecastRow, ProductRow
from shopkeeper.domain.forecasts import (
    ForecastPoint,
    ForecastRunSummary,
    ProductForecastPublic,
    SalesPoint,
)
from shopkeeper.services import models
from shopkeeper.services.aggregate_forecasts import save_aggregate_forecasts
from shopkeeper.services.forecast_inputs import regressor_frames
from shopkeeper.services.forecast_points import (
    HISTORY_SHOWN_DAYS,
    LEVELS,
    WEEKLY_SEASON,
    to_points,
)
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import HISTORY_DAYS, daily_sales

CAPABILITY = "forecast"
HORIZON_DAYS = 28

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def run_forecasts(
    runtime: Runtime,
    shop_id: int,
    *,
    horizon: int = HORIZON_DAYS,
    history_days: int = HISTORY_DAYS,
    reselect: bool = True,
    on_step: Progress = _quiet,
) -> ForecastRunSummary:
    """Fit the forecaster on the shop's sales, store the run and every product's forecast.

    ``reselect=False`` (the daily run) reuses the model chosen per product by the current
    run, refitted on the new days without validating again; products it has not seen are
    validated as usual. Without a current run of the same horizon it reselects.
    ``reselect=True`` (the weekly run) chooses again, but takes the AutoETS and AutoTheta
    structures the current run searched while they are young enough
    (:func:`shopkeeper.ai.forecast.structures.reusable`).
    """
    if not 1 <= horizon <= 365:
        raise InvalidInputError("horizon must be between 1 and 365 days", horizon=horizon)
    started = time.perf_counter()
    on_step("reading daily sales")
    history = daily_sales(runtime, shop_id, days=history_days)
    if history.is_empty or history.last_day is None:
        return ForecastRunSummary(
            model_run_id=None,
            series=0,
            reselected=True,
            models={},
            last_day=None,
            horizon=horizon,
            seconds=round(time.perf_counter() - started, 3),
        )
    on_step("reading prices and signals")
    known, ahead = regressor_frames(runtime, shop_id, history, horizon)
    on_step(f"choosing a model for {history.frame['unique_id'].nunique()} products")
    series = SalesSeries.from_frame(known, freq="D")
    previous = _previous(runtime, shop_id, horizon)
    reused = previous is not None and not reselect
    if previous is None:
        model = SignalForecaster(season_length=WEEKLY_SEASON, horizon=horizon, levels=LEVELS)
    else:
        # The weekly selection still reuses the structures searched lately.
        model = previous.reusing_choice() if reused else previous.reselecting()
    model.fit(series)
    mix = Counter(model.choices_.values())
    run = models.store_fitted(
        runtime,
        shop_id=shop_id,
        model=model,
        data_start=_midnight(pd.Timestamp(history.frame["ds"].min()).date()),
        data_end=_midnight(history.last_day),
        metrics={"series": len(model.choices_), "models": dict(mix), "reused": reused},
    )
    on_step("saving forecasts")
    forecast = model.predict(FutureQuery(horizon=horizon, future=ahead))
    saved = _save(runtime, shop_id, run.id, model, forecast, ahead)
    save_aggregate_forecasts(
        runtime, shop_id, run.id, history, forecast.frame, horizon=horizon, on_step=on_step
    )
    return ForecastRunSummary(
        model_run_id=run.id,
        series=saved,
        reselected=not reused,
        models=dict(sorted(mix.items())),
        last_day=history.last_day,
        horizon=horizon,
        seconds=round(time.perf_counter() - started, 3),
    )


def _previous(runtime: Runtime, shop_id: int, horizon: int) -> SignalForecaster | None:
    """The current run's fitted forecaster, if one of this horizon can be read."""
    with runtime.sessions() as session:
        current = models.current_run(session, shop_id, CAPABILITY)
    if current is None:
        return None
    try:
        previous = models.load_run(runtime, current).as_type(SignalForecaster)
    except ShopkeeperError:
        return None  # an unreadable or foreign artifact: choose afresh
    return previous if previous.horizon == horizon else None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _points(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of one product as stored: demand is never below zero, so neither is a bound."""
    values = [c for c in frame.columns if c == "mean" or c.startswith(("lo-", "hi-"))]
    return [
        {
            "ds": pd.Timestamp(record["ds"]).date().isoformat(),
            **{c: round(max(float(record[c]), 0.0), 4) for c in values},
        }
        for record in frame.to_dict("records")
    ]


def _save(
    runtime: Runtime,
    shop_id: int,
    run_id: int,
    model: SignalForecaster,
    predicted: Forecast,
    ahead: pd.DataFrame,
) -> int:
    forecast = predicted.frame
    explanations = model.explanations(FutureQuery(horizon=model.horizon, future=ahead))
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        ids = dict(
            session.execute(
                select(ProductRow.sku, ProductRow.id).where(ProductRow.shop_id == shop_id)
            ).all()
        )
        session.execute(delete(ProductForecastRow).where(ProductForecastRow.shop_id == shop_id))
        saved = 0
        for uid, part in forecast.groupby("unique_id", sort=True):
            sku = str(uid)
            if sku not in ids:
                continue
            session.add(
                ProductForecastRow(
                    shop_id=shop_id,
                    product_id=ids[sku],
                    model_run_id=run_id,
                    model=model.choices_[sku],
                    demand_class=model.local_.classes_[sku].kind,
                    first_day=pd.Timestamp(part["ds"].iloc[0]).date(),
                    points=_points(part),
                    explanation=explanations[sku].as_dict(),
                    computed_at=now,
                )
            )
            saved += 1
    return saved


def stored_forecasts(runtime: Runtime, shop_id: int) -> dict[str, list[ForecastPoint]]:
    """Every product's current daily forecast, by sku (replenishment reads them all)."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(ProductRow.sku, ProductForecastRow.points)
            .join(ProductRow, ProductRow.id == ProductForecastRow.product_id)
            .where(ProductForecastRow.shop_id == shop_id)
        ).all()
    return {sku: to_points(points) for sku, points in rows}


def get_forecast(runtime: Runtime, shop_id: int, sku: str) -> ProductForecastPublic:
    """One product's current forecast with its last eight weeks of sales."""
    with runtime.sessions() as session:
        product_id = session.scalar(
            select(ProductRow.id).where(ProductRow.shop_id == shop_id, ProductRow.sku == sku)
        )
        if product_id is None:
            raise NotFoundError(f"no product with sku {sku!r}", sku=sku)
        row = session.scalar(
            select(ProductForecastRow).where(
                ProductForecastRow.shop_id == shop_id, ProductForecastRow.product_id == product_id
            )
        )
        if row is None:
            raise NotFoundError(
                f"no forecast for {sku} yet: run `shopkeeper forecast run` "
                "(or wait for the daily forecast job)",
                sku=sku,
            )
        stored = (row.model, row.demand_class, row.computed_at, row.points, row.explanation)
    model_name, demand_class, computed_at, points, explanation = stored
    first_day = date.fromisoformat(points[0]["ds"]) if points else None
    history = daily_sales(runtime, shop_id, days=HISTORY_SHOWN_DAYS, skus=(sku,))
    sold = [
        SalesPoint(day=pd.Timestamp(day).date(), units=float(units))
        for day, units in zip(history.frame["ds"], history.frame["y"], strict=True)
        if first_day is None or pd.Timestamp(day).date() < first_day
    ]
    forecast_points = to_points(points)
    return ProductForecastPublic(
        sku=sku,
        model=model_name,
        demand_class=demand_class,
        computed_at=computed_at,
        total_units=round(sum(p.mean for p in forecast_points), 2),
        points=forecast_points,
        history=sold,
        explanation=explanation,
    )
