"""Jobs every install runs: proposal housekeeping, telling the owner, refitting recommenders."""

from __future__ import annotations

from typing import Any

from shopkeeper.data.database import transaction
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.registry import job
from shopkeeper.services import (
    default_models,
    forecasting,
    modes,
    notify,
    proposals,
    stock_simulation,
)
from shopkeeper.services.pricing_run import run_pricing
from shopkeeper.services.replenish_run import run_replenishment


@job(
    "expire-proposals",
    schedule="every 1h",
    description="Mark waiting proposals whose expiry has passed as expired.",
)
def expire_proposals(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    with transaction(runtime.sessions) as session:
        expired = proposals.expire_due(session, runtime.clock, shop.id)
        waiting = proposals.count_waiting(session, shop.id)
    return {"expired": expired, "waiting": waiting}


@job(
    "notify-owner",
    schedule="15 * * * *",
    description="Email the owner a digest when new proposals wait for a decision.",
)
def notify_owner(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    if runtime.mailer is None:
        # Not an error: a laptop install without SMTP still shows the badge in the dashboard.
        return {"sent": 0, "skipped": "no SMTP host configured"}
    with transaction(runtime.sessions) as session:
        announced = notify.notify_owner_by_email(
            session, runtime.clock, runtime.mailer, shop_id=shop.id
        )
    return {"sent": 1 if announced else 0, "new_proposals": announced}


@job(
    "fit-recommenders",
    schedule="every 6h",
    description=(
        "Refit the recommenders (popularity, session, customer, look-alike, bought-together"
        " and the context re-ranker) on the latest orders and events."
    ),
)
def fit_recommenders(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    # Each API worker's ModelCache notices the new current runs and swaps them in.
    runs = default_models.fit_recommenders(runtime, shop.id)
    fitted = {
        "session_run": runs.session,
        "customer_run": runs.customer,
        "content_run": runs.content,
        "together_run": runs.together,
        "context_run": runs.context,
    }
    return {
        "popularity_run": runs.popularity.id,
        **{name: run.id if run is not None else None for name, run in fitted.items()},
        "sessions": runs.session.metrics.get("sessions", 0) if runs.session is not None else 0,
    }


# The weekly model selection runs on Sunday nights, when a shop sells least.
SELECTION_WEEKDAY = 6


@job(
    "forecast-demand",
    schedule="30 2 * * *",
    description=(
        "Forecast every product's daily demand for the next four weeks; on Sundays choose"
        " each product's model afresh, other days refit the chosen ones."
    ),
)
def forecast_demand(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    reselect = runtime.clock.now().weekday() == SELECTION_WEEKDAY
    summary = forecasting.run_forecasts(runtime, shop.id, reselect=reselect)
    return {
        "series": summary.series,
        "models": summary.models,
        "reselected": summary.reselected,
        "seconds": summary.seconds,
    }


@job(
    "plan-replenishment",
    schedule="0 3 * * *",
    description=(
        "Propose purchase orders (early for products whose searches spike) and clearances"
        " for slow movers, from the night's forecasts."
    ),
)
def plan_replenishment(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    return run_replenishment(runtime, shop.id).figures()


@job(
    "simulate-inventory",
    schedule="0 4 * * 0",
    description=(
        "Replay the last year of sales against a small shop's habit, a textbook (s, S) policy"
        " and ours: the before/after table of the Stock page."
    ),
)
def simulate_inventory(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    table = stock_simulation.simulate_shop(runtime, shop.id)
    return {row.policy: row.stockout_pct for row in table.rows} | {"products": table.products}


@job(
    "reprice",
    schedule="every 4h",
    description=(
        "Quote every product's price from demand, stock and competitors within the"
        " guardrails; suggest or apply the changes as the pricing mode says."
    ),
)
def reprice(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
    with runtime.sessions() as session:
        off = not modes.any_enabled(session, shop.id, Capability.PRICING)
    if off:
        # Not fitted and not quoted: a shop that never turned pricing on pays nothing.
        return {"skipped": "pricing is off"}
    summary = run_pricing(runtime, shop.id)
    return {
        "quoted": summary.quoted,
        "changes": summary.changes,
        "applied": summary.applied,
        "explored": len(summary.explored),
        "refused": len(summary.refused),
    }
