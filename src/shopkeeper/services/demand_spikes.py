"""Spikes in searches and views that should bring a restock forward.

Two sources, each through :class:`~shopkeeper.ai.inventory.spikes.SearchSpikeDetector`:
the ``search_trend.*`` signals (daily search counts, per product when the signal names a
sku, else per category from its ``meta.category``) and the storefront's product views
from ``events``. A spike still running on the latest day becomes an :class:`Uplift` on the
forecast of the products it concerns, with the detector's own sentence as the reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from shopkeeper.ai.inventory.spikes import SearchSpikeDetector, SpikeAlert
from shopkeeper.data.tables import EventRow, ProductRow, ShopRow, SignalRow
from shopkeeper.services.replenishment import Uplift
from shopkeeper.services.runtime import Runtime

SEARCH_SIGNAL_PREFIX = "search_trend."
# A year and its usual-level window: the detector compares with the same season last year.
LOOKBACK_DAYS = 400
VIEW_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class SpikeFinding:
    """One running spike, the products it lifts and by how much."""

    alert: SpikeAlert
    source: str  # "searches" or "views"
    skus: tuple[str, ...]
    uplift: Uplift


def _search_counts(runtime: Runtime, shop_id: int, since: date) -> pd.DataFrame:
    with runtime.sessions() as session:
        rows = session.execute(
            select(SignalRow.sku, SignalRow.meta, SignalRow.name, SignalRow.ts, SignalRow.value)
            .where(SignalRow.shop_id == shop_id)
            .where(SignalRow.name.startswith(SEARCH_SIGNAL_PREFIX))
            .where(SignalRow.ts >= pd.Timestamp(since, tz="UTC").to_pydatetime())
        ).all()
    records = [
        {
            "key": sku or str((meta or {}).get("category") or name[len(SEARCH_SIGNAL_PREFIX) :]),
            "day": pd.Timestamp(ts).date(),
            "count": float(value),
        }
        for sku, meta, name, ts, value in rows
    ]
    return pd.DataFrame(records, columns=["key", "day", "count"])


def _view_counts(runtime: Runtime, shop_id: int, since: date, timezone: str) -> pd.DataFrame:
    with runtime.sessions() as session:
        rows = session.execute(
            select(EventRow.sku, EventRow.occurred_at)
            .where(EventRow.shop_id == shop_id, EventRow.type == "view")
            .where(EventRow.sku.is_not(None))
            .where(EventRow.occurred_at >= pd.Timestamp(since, tz="UTC").to_pydatetime())
        ).all()
    frame = pd.DataFrame(rows, columns=["key", "occurred_at"])
    if frame.empty:
        return pd.DataFrame(columns=["key", "day", "count"])
    frame["day"] = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(timezone).dt.date
    return frame.groupby(["key", "day"], as_index=False).size().rename(columns={"size": "count"})


def _latest(runtime: Runtime, shop_id: int) -> tuple[date | None, str]:
    with runtime.sessions() as session:
        timezone = session.scalar(select(ShopRow.timezone).where(ShopRow.id == shop_id)) or "UTC"
        last_signal = session.scalar(
            select(func.max(SignalRow.ts)).where(
                SignalRow.shop_id == shop_id, SignalRow.name.startswith(SEARCH_SIGNAL_PREFIX)
            )
        )
        last_view = session.scalar(
            select(func.max(EventRow.occurred_at)).where(
                EventRow.shop_id == shop_id, EventRow.type == "view"
            )
        )
    stamps = [pd.Timestamp(t) for t in (last_signal, last_view) if t is not None]
    return (max(stamps).date() if stamps else None), timezone


def find_spikes(runtime: Runtime, shop_id: int, *, as_of: date | None = None) -> list[SpikeFinding]:
    """Spikes running on ``as_of`` (default: the latest day with data), newest first."""
    latest, timezone = _latest(runtime, shop_id)
    today = as_of or latest
    if today is None:
        return []
    with runtime.sessions() as session:
        products = session.execute(
            select(ProductRow.sku, ProductRow.category).where(
                ProductRow.shop_id == shop_id, ProductRow.status == "active"
            )
        ).all()
    by_category: dict[str, list[str]] = defaultdict(list)
    for sku, category in products:
        by_category[(category or "").lower()].append(sku)
    known = {sku for sku, _ in products}
    sources = (
        (
            "searches",
            _search_counts(runtime, shop_id, today - timedelta(days=LOOKBACK_DAYS)),
            "Searches",
        ),
        (
            "views",
            _view_counts(runtime, shop_id, today - timedelta(days=VIEW_LOOKBACK_DAYS), timezone),
            "Views",
        ),
    )
    findings: list[SpikeFinding] = []
    for source, counts, label in sources:
        counts = counts[counts["day"] <= today]
        if counts.empty:
            continue
        for alert in SearchSpikeDetector(label=label).detect(counts):
            if not alert.detected_on <= today <= alert.until:
                continue
            skus = (
                (alert.key,)
                if alert.key in known
                else tuple(sorted(by_category.get(alert.key.lower(), ())))
            )
            if not skus:
                continue
            days_left = (alert.until - today).days + 1
            findings.append(
                SpikeFinding(
                    alert=alert,
                    source=source,
                    skus=skus,
                    uplift=Uplift(alert.uplift, days_left, alert.explanation.summary),
                )
            )
    return sorted(findings, key=lambda f: (f.alert.detected_on, f.alert.key), reverse=True)
