"""One product's price over time next to its competitors' prices, for a chart.

Our price is a step series from the price-change log: the price in force when the window
opens, one step per change (whoever made it: pricing, the kill switch, a person, an
import), and the price now. Competitors' prices are the ``competitor_price.<competitor>``
signals of the product (confirmed matches only), one series per competitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.tables import PriceChangeRow, ProductRow, ShopRow, SignalRow
from shopkeeper.services.runtime import Runtime

DAYS = 90
COMPETITOR_PREFIX = "competitor_price."


@dataclass(frozen=True)
class PriceStep:
    """Our price from ``at`` on; ``source`` says who set it (``""`` at the window's ends)."""

    at: datetime
    price: Decimal
    source: str = ""


@dataclass(frozen=True)
class CompetitorSeries:
    """One competitor's prices of the product, oldest first."""

    name: str
    points: tuple[tuple[datetime, float], ...]


@dataclass(frozen=True)
class PriceHistory:
    """Our steps and each competitor's series between ``since`` and ``until``.

    Examples
    --------
    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> h = PriceHistory("MUG-1", "EUR", t, t, (PriceStep(t, Decimal("10")),), ())
    >>> h.changes
    ()
    """

    sku: str
    currency: str
    since: datetime
    until: datetime
    ours: tuple[PriceStep, ...]
    competitors: tuple[CompetitorSeries, ...]

    @property
    def changes(self) -> tuple[PriceStep, ...]:
        """The steps made by a change inside the window (not its two ends)."""
        return tuple(s for s in self.ours if s.source)


def price_history(runtime: Runtime, shop_id: int, sku: str, *, days: int = DAYS) -> PriceHistory:
    """The last ``days`` days of ``sku``'s price and its competitors' (``NotFoundError`` for
    an unknown sku)."""
    now = runtime.clock.now()
    since = now - timedelta(days=days)
    with runtime.sessions() as session:
        found = session.execute(
            select(ProductRow.id, ProductRow.price, ShopRow.currency)
            .join(ShopRow, ShopRow.id == ProductRow.shop_id)
            .where(ProductRow.shop_id == shop_id, ProductRow.sku == sku)
        ).first()
        if found is None:
            raise NotFoundError(f"no product with sku {sku!r}", sku=sku)
        product_id, current, currency = found
        log = session.execute(
            select(
                PriceChangeRow.changed_at,
                PriceChangeRow.old_price,
                PriceChangeRow.new_price,
                PriceChangeRow.source,
            )
            .where(PriceChangeRow.shop_id == shop_id, PriceChangeRow.product_id == product_id)
            .order_by(PriceChangeRow.changed_at, PriceChangeRow.id)
        ).all()
        signals = session.execute(
            select(SignalRow.name, SignalRow.ts, SignalRow.value, SignalRow.meta)
            .where(SignalRow.shop_id == shop_id, SignalRow.sku == sku)
            .where(SignalRow.name.startswith(COMPETITOR_PREFIX), SignalRow.ts >= since)
            .order_by(SignalRow.ts)
        ).all()
    before = [row for row in log if row.changed_at <= since]
    inside = [row for row in log if since < row.changed_at <= now]
    if before:
        opening = Decimal(before[-1].new_price)
    elif inside:
        opening = Decimal(inside[0].old_price)
    else:
        opening = Decimal(current)
    steps = [PriceStep(since, opening)]
    steps += [PriceStep(r.changed_at, Decimal(r.new_price), r.source) for r in inside]
    steps.append(PriceStep(now, Decimal(current)))
    series: dict[str, list[tuple[datetime, float]]] = {}
    for name, ts, value, meta in signals:
        label = (meta or {}).get("competitor") or name.removeprefix(COMPETITOR_PREFIX)
        series.setdefault(str(label), []).append((ts, float(value)))
    return PriceHistory(
        sku=sku,
        currency=currency,
        since=since,
        until=now,
        ours=tuple(steps),
        competitors=tuple(CompetitorSeries(n, tuple(p)) for n, p in sorted(series.items())),
    )
