"""Did the automatic price changes do what they promised? Realised against expected profit.

For each price change the pricing capability made (``source = "pricing"``), the units sold
and the profit made per day **after** it (from the change until the product's next price
change, at most :data:`WINDOW_DAYS` days, and not past now) are set against the
:data:`WINDOW_DAYS` days **before** it, and the measured change in profit per day against
the change its proposal expected (``expected_effect.profit_change_per_day``).

Profit is the price in force when each unit sold, net of VAT when the shop's prices include
it, minus the product's cost, times the units: the price in force comes from the price-change
log (so a baseline that spans an earlier change counts each sale at its own price), since an
order line's unit price may carry discounts the pricing never chose. Cancelled orders are not
sales. A window shorter than :data:`MIN_DAYS` tells nothing yet (a weekend alone can double
sales): such a change is listed with its status and left out of the shop's totals.

The comparison is before/after, not a controlled test: a season, a promotion or a
competitor moving in the same days moves the measured figure too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from shopkeeper.data.tables import (
    OrderLineRow,
    OrderRow,
    PriceChangeRow,
    ProductRow,
    ProposalRow,
    ShopRow,
)
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import NOT_DEMAND

SOURCE = "pricing"
WINDOW_DAYS = 14
MIN_DAYS = 3.0
CHANGES_SHOWN = 30
_CENT = Decimal("0.01")
_DAY = 86400.0


class EffectStatus(StrEnum):
    """Whether a change's effect can be read yet, and if not, why."""

    MEASURED = "measured"
    TOO_EARLY = "too_early"  # fewer than MIN_DAYS since the change, still in force
    CUT_SHORT = "cut_short"  # the next change came within MIN_DAYS
    NO_BASELINE = "no_baseline"  # fewer than MIN_DAYS of sales history before it


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(_CENT)


@dataclass(frozen=True)
class PriceChangeEffect:
    """One automatic price change: what was expected of it and what was measured.

    Per-day figures are means over the window (``days_before``, ``days_after`` long);
    ``expected_*`` come from the change's proposal (``None`` when it carried none).

    Examples
    --------
    >>> from datetime import UTC
    >>> e = PriceChangeEffect(
    ...     change_id=1, sku="MUG-1", title="Mug", changed_at=datetime(2026, 1, 1, tzinfo=UTC),
    ...     old_price=Decimal("10"), new_price=Decimal("11"), proposal_id=3, days_before=14.0,
    ...     days_after=7.0, units_before=2.0, units_after=1.9, profit_before=Decimal("8.00"),
    ...     profit_after=Decimal("9.10"), expected_profit=Decimal("9.30"),
    ...     expected_change=Decimal("1.30"), expected_units_change=-0.1,
    ...     status=EffectStatus.MEASURED)
    >>> e.measured_change, e.measured_gain, e.expected_gain
    (Decimal('1.10'), Decimal('7.70'), Decimal('9.10'))
    """

    change_id: int
    sku: str
    title: str
    changed_at: datetime
    old_price: Decimal
    new_price: Decimal
    proposal_id: int | None
    days_before: float
    days_after: float
    units_before: float
    units_after: float
    profit_before: Decimal
    profit_after: Decimal
    expected_profit: Decimal | None
    expected_change: Decimal | None
    expected_units_change: float | None
    status: EffectStatus

    @property
    def measured(self) -> bool:
        return self.status is EffectStatus.MEASURED

    @property
    def change_pct(self) -> float:
        """The price change in percent of the old price."""
        return 0.0 if not self.old_price else float(self.new_price / self.old_price - 1) * 100

    @property
    def measured_change(self) -> Decimal:
        """Profit per day after, minus before."""
        return self.profit_after - self.profit_before

    @property
    def measured_gain(self) -> Decimal:
        """Extra profit over the days measured, against the days before."""
        return _money(float(self.measured_change) * self.days_after)

    @property
    def expected_gain(self) -> Decimal:
        """Extra profit the proposal expected over the same days (0 without an expectation)."""
        return _money(float(self.expected_change or 0) * self.days_after)


@dataclass(frozen=True)
class PricingEffects:
    """Recent automatic changes, newest first, and the shop's totals over the measured ones.

    ``expected_gain`` and ``measured_gain`` add up, over the changes measured, the extra
    profit expected and made during their windows; the ``*_per_day`` totals add up the
    per-day changes.
    """

    currency: str
    changes: tuple[PriceChangeEffect, ...]
    expected_per_day: Decimal
    measured_per_day: Decimal
    expected_gain: Decimal
    measured_gain: Decimal

    @property
    def counted(self) -> tuple[PriceChangeEffect, ...]:
        return tuple(c for c in self.changes if c.measured)


def pricing_effects(
    runtime: Runtime, shop_id: int, *, limit: int = CHANGES_SHOWN, sku: str | None = None
) -> PricingEffects:
    """The ``limit`` latest automatic price changes (of ``sku`` if given) with their effects."""
    now = runtime.clock.now()
    with runtime.sessions() as session:
        shop = session.get(ShopRow, shop_id)
        if shop is None:
            return PricingEffects("", (), *(Decimal("0.00"),) * 4)
        currency, with_vat, vat = shop.currency, shop.prices_include_vat, float(shop.vat_rate)
        query = (
            select(
                PriceChangeRow.id,
                PriceChangeRow.product_id,
                ProductRow.sku,
                ProductRow.title,
                ProductRow.cost,
                PriceChangeRow.changed_at,
                PriceChangeRow.old_price,
                PriceChangeRow.new_price,
                PriceChangeRow.proposal_id,
                ProposalRow.expected_effect,
            )
            .join(ProductRow, ProductRow.id == PriceChangeRow.product_id)
            .outerjoin(ProposalRow, ProposalRow.id == PriceChangeRow.proposal_id)
            .where(PriceChangeRow.shop_id == shop_id, PriceChangeRow.source == SOURCE)
            .order_by(PriceChangeRow.changed_at.desc(), PriceChangeRow.id.desc())
            .limit(limit)
        )
        if sku is not None:
            query = query.where(ProductRow.sku == sku)
        picked = session.execute(query).all()
        if not picked:
            return PricingEffects(currency, (), *(Decimal("0.00"),) * 4)
        product_ids = sorted({row.product_id for row in picked})
        log = pd.DataFrame(
            session.execute(
                select(
                    PriceChangeRow.id,
                    PriceChangeRow.product_id,
                    PriceChangeRow.changed_at,
                    PriceChangeRow.old_price,
                    PriceChangeRow.new_price,
                )
                .where(
                    PriceChangeRow.shop_id == shop_id,
                    PriceChangeRow.product_id.in_(product_ids),
                )
                .order_by(PriceChangeRow.changed_at, PriceChangeRow.id)
            ).all(),
            columns=["id", "product_id", "changed_at", "old_price", "new_price"],
        )
        first_sale = session.scalar(
            select(OrderRow.placed_at)
            .where(OrderRow.shop_id == shop_id, OrderRow.status.not_in(NOT_DEMAND))
            .order_by(OrderRow.placed_at)
            .limit(1)
        )
        earliest = min(row.changed_at for row in picked) - timedelta(days=WINDOW_DAYS)
        lines = pd.DataFrame(
            session.execute(
                select(OrderLineRow.sku, OrderRow.placed_at, OrderLineRow.quantity)
                .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
                .where(OrderRow.shop_id == shop_id, OrderRow.status.not_in(NOT_DEMAND))
                .where(OrderRow.placed_at >= earliest, OrderRow.placed_at <= now)
                .where(OrderLineRow.sku.in_({row.sku for row in picked}))
            ).all(),
            columns=["sku", "placed_at", "quantity"],
        )
    skus = {row.product_id: row.sku for row in picked}
    sales = _priced_sales(lines, log, skus, with_vat, vat)
    effects = tuple(
        _effect(row, log, sales, now, first_sale)
        for row in picked  # newest first, as selected
    )
    counted = [e for e in effects if e.measured]
    return PricingEffects(
        currency=currency,
        changes=effects,
        expected_per_day=sum((e.expected_change or Decimal(0) for e in counted), Decimal("0.00")),
        measured_per_day=sum((e.measured_change for e in counted), Decimal("0.00")),
        expected_gain=sum((e.expected_gain for e in counted), Decimal("0.00")),
        measured_gain=sum((e.measured_gain for e in counted), Decimal("0.00")),
    )


def _priced_sales(
    lines: pd.DataFrame, log: pd.DataFrame, skus: dict[int, str], with_vat: bool, vat: float
) -> pd.DataFrame:
    """Each order line with the net price in force when it was placed (``net``)."""
    if lines.empty:
        return lines.assign(net=pd.Series(dtype=float), ts=pd.Series(dtype=float))
    steps = log.assign(
        sku=log["product_id"].map(skus),
        ts=log["changed_at"].map(lambda t: t.timestamp()),
        price=log["new_price"].astype(float),
    ).sort_values("ts")
    sold = lines.assign(
        ts=lines["placed_at"].map(lambda t: t.timestamp()),
        quantity=lines["quantity"].astype(float),
    ).sort_values("ts")
    sold = pd.merge_asof(sold, steps[["sku", "ts", "price"]], on="ts", by="sku")
    # Before a product's first logged change its price was that change's old price.
    opening = steps.groupby("sku")["old_price"].first().astype(float)
    price = sold["price"].fillna(sold["sku"].map(opening))
    sold["net"] = price / (1 + vat) if with_vat else price
    return sold


def _effect(
    row: Any, log: pd.DataFrame, sales: pd.DataFrame, now: datetime, first_sale: datetime | None
) -> PriceChangeEffect:
    at: datetime = row.changed_at
    later = log[(log["product_id"] == row.product_id) & (log["changed_at"] > at)]
    later = later[~((later["changed_at"] == at) & (later["id"] <= row.id))]
    next_at: datetime | None = later["changed_at"].min() if not later.empty else None
    end = min(at + timedelta(days=WINDOW_DAYS), now)
    cut = next_at is not None and next_at < end
    if cut and next_at is not None:
        end = next_at
    start = at - timedelta(days=WINDOW_DAYS)
    if first_sale is not None:
        start = max(start, min(first_sale, at))
    days_after = max((end - at).total_seconds(), 0.0) / _DAY
    days_before = max((at - start).total_seconds(), 0.0) / _DAY
    cost = float(row.cost or 0)
    units_b, profit_b = _window(sales, row.sku, start, at, cost, days_before)
    units_a, profit_a = _window(sales, row.sku, at, end, cost, days_after)
    if days_after < MIN_DAYS:
        status = EffectStatus.CUT_SHORT if cut else EffectStatus.TOO_EARLY
    elif days_before < MIN_DAYS:
        status = EffectStatus.NO_BASELINE
    else:
        status = EffectStatus.MEASURED
    expected = row.expected_effect or {}
    return PriceChangeEffect(
        change_id=row.id,
        sku=row.sku,
        title=row.title,
        changed_at=at,
        old_price=Decimal(row.old_price),
        new_price=Decimal(row.new_price),
        proposal_id=row.proposal_id,
        days_before=round(days_before, 2),
        days_after=round(days_after, 2),
        units_before=units_b,
        units_after=units_a,
        profit_before=_money(profit_b),
        profit_after=_money(profit_a),
        expected_profit=_expected_money(expected.get("profit_per_day")),
        expected_change=_expected_money(expected.get("profit_change_per_day")),
        expected_units_change=_expected_float(expected.get("units_change_per_day")),
        status=status,
    )


def _window(
    sales: pd.DataFrame, sku: str, start: datetime, end: datetime, cost: float, days: float
) -> tuple[float, float]:
    """Units and profit per day of ``sku`` over ``[start, end)``; zeros for an empty window."""
    if days <= 0 or sales.empty:
        return 0.0, 0.0
    inside = sales[
        (sales["sku"] == sku) & (sales["ts"] >= start.timestamp()) & (sales["ts"] < end.timestamp())
    ]
    units = float(inside["quantity"].sum())
    profit = float(np.sum(inside["quantity"] * (inside["net"] - cost)))
    return round(units / days, 3), profit / days


def _expected_money(value: Any) -> Decimal | None:
    return None if value is None else _money(float(value))


def _expected_float(value: Any) -> float | None:
    return None if value is None else float(value)
