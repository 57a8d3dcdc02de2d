"""Shop KPIs over a period of local days: revenue, orders, conversion, basket, top products.

Definitions (the dashboard states them next to the numbers):

- a period is the last ``days`` calendar days in the shop's time zone, today included;
- revenue is the sum of order totals (after discounts, with shipping) of orders placed in the
  period whose status is not ``cancelled``; the order count uses the same orders;
- average basket is revenue divided by that order count;
- conversion rate is the share of storefront sessions with at least one event in the period
  that also have a ``purchase`` event or an event naming an order;
- product revenue is ``unit_price * quantity - line discount`` of the same orders' lines
  (order-level discounts and shipping are not spread over products).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, distinct, func, or_, select
from sqlalchemy.orm import Session

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.core.money import rounded
from shopkeeper.data.tables import EventRow, OrderLineRow, OrderRow, ProductRow
from shopkeeper.domain.events import EventType
from shopkeeper.domain.shops import Shop

PERIOD_CHOICES: tuple[int, ...] = (7, 30, 90)
DEFAULT_PERIOD_DAYS = 30
TOP_PRODUCTS = 10
EXCLUDED_STATUSES: tuple[str, ...] = ("cancelled",)


@dataclass(frozen=True, slots=True)
class Period:
    """``days`` local calendar days ending today, as a half-open UTC interval.

    Examples
    --------
    >>> from datetime import UTC
    >>> p = Period.ending(datetime(2026, 11, 25, 12, tzinfo=UTC), ZoneInfo("Europe/Paris"), 7)
    >>> p.first_day, p.last_day, p.start.isoformat()
    (datetime.date(2026, 11, 19), datetime.date(2026, 11, 25), '2026-11-18T23:00:00+00:00')
    """

    first_day: date
    last_day: date
    start: datetime
    end: datetime
    zone: ZoneInfo

    @classmethod
    def ending(cls, now: datetime, zone: ZoneInfo, days: int) -> Period:
        if days < 1:
            raise InvalidInputError("a period has at least one day", days=days)
        last_day = now.astimezone(zone).date()
        first_day = last_day - timedelta(days=days - 1)
        return cls(
            first_day,
            last_day,
            _local_midnight(first_day, zone),
            _local_midnight(last_day + timedelta(days=1), zone),
            zone,
        )

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=i) for i in range(count)]

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True, slots=True)
class ProductSales:
    sku: str
    title: str
    units: int
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class DayRevenue:
    day: date
    revenue: Decimal
    orders: int


@dataclass(frozen=True, slots=True)
class ShopKpis:
    """The overview numbers of one shop over one period."""

    period: Period
    currency: str
    revenue: Decimal
    orders: int
    average_basket: Decimal | None
    sessions: int
    converted_sessions: int
    conversion_rate: Decimal | None
    top_products: list[ProductSales]
    revenue_per_day: list[DayRevenue]


def _counted_orders(shop_id: int, period: Period) -> list[ColumnElement[bool]]:
    return [
        OrderRow.shop_id == shop_id,
        OrderRow.placed_at >= period.start,
        OrderRow.placed_at < period.end,
        OrderRow.status.not_in(EXCLUDED_STATUSES),
    ]


def revenue_per_day(session: Session, shop: Shop, period: Period) -> list[DayRevenue]:
    """Revenue and orders per local day, every day of the period present (zeros included)."""
    # Bucketing happens here rather than in SQL: SQLite has no time zone support, and one
    # definition of "a local day" for both databases keeps the numbers identical.
    totals: dict[date, Decimal] = defaultdict(Decimal)
    counts: dict[date, int] = defaultdict(int)
    query = select(OrderRow.placed_at, OrderRow.total).where(*_counted_orders(shop.id, period))
    for placed_at, total in session.execute(query.execution_options(yield_per=2000)):
        day = period.local_day(placed_at)
        totals[day] += total
        counts[day] += 1
    return [
        DayRevenue(day, rounded(totals[day], shop.currency), counts[day]) for day in period.days
    ]


def top_products(
    session: Session, shop: Shop, period: Period, limit: int = TOP_PRODUCTS
) -> list[ProductSales]:
    revenue = func.sum(OrderLineRow.unit_price * OrderLineRow.quantity - OrderLineRow.discount)
    query = (
        select(
            OrderLineRow.sku,
            func.max(ProductRow.title),
            func.sum(OrderLineRow.quantity),
            revenue,
        )
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .outerjoin(
            ProductRow,
            (ProductRow.shop_id == OrderLineRow.shop_id) & (ProductRow.sku == OrderLineRow.sku),
        )
        .where(*_counted_orders(shop.id, period))
        .group_by(OrderLineRow.sku)
        .order_by(revenue.desc(), OrderLineRow.sku)
        .limit(limit)
    )
    return [
        ProductSales(
            sku, title or sku, int(units or 0), rounded(Decimal(amount or 0), shop.currency)
        )
        for sku, title, units, amount in session.execute(query)
    ]


def _sessions(shop_id: int, period: Period) -> Select[int]:
    return select(func.count(distinct(EventRow.session_id))).where(
        EventRow.shop_id == shop_id,
        EventRow.occurred_at >= period.start,
        EventRow.occurred_at < period.end,
    )


def session_conversion(session: Session, shop_id: int, period: Period) -> tuple[int, int]:
    """(sessions with any event, sessions with a purchase event or an event naming an order)."""
    visited = session.scalar(_sessions(shop_id, period)) or 0
    converted = (
        session.scalar(
            _sessions(shop_id, period).where(
                or_(
                    EventRow.type == EventType.PURCHASE.value,
                    EventRow.order_external_id.is_not(None),
                )
            )
        )
        or 0
    )
    return int(visited), int(converted)


def shop_kpis(
    session: Session, shop: Shop, now: datetime, days: int = DEFAULT_PERIOD_DAYS
) -> ShopKpis:
    """Every overview KPI of ``shop`` for the ``days`` local days ending at ``now``.

    Examples
    --------
    >>> from shopkeeper.services.kpis import PERIOD_CHOICES
    >>> 30 in PERIOD_CHOICES
    True
    """
    if days not in PERIOD_CHOICES:
        raise InvalidInputError(
            f"period must be one of {', '.join(map(str, PERIOD_CHOICES))} days", days=days
        )
    period = Period.ending(now, shop.zone, days)
    per_day = revenue_per_day(session, shop, period)
    revenue = rounded(sum((d.revenue for d in per_day), Decimal(0)), shop.currency)
    orders = sum(d.orders for d in per_day)
    visited, converted = session_conversion(session, shop.id, period)
    return ShopKpis(
        period=period,
        currency=shop.currency,
        revenue=revenue,
        orders=orders,
        average_basket=rounded(revenue / orders, shop.currency) if orders else None,
        sessions=visited,
        converted_sessions=converted,
        conversion_rate=(Decimal(converted) / Decimal(visited)) if visited else None,
        top_products=top_products(session, shop, period),
        revenue_per_day=per_day,
    )


@dataclass(frozen=True, slots=True)
class WeekSales:
    week_start: date
    units: int
    revenue: Decimal


def product_weekly_sales(
    session: Session, shop: Shop, sku: str, now: datetime, weeks: int = 12
) -> list[WeekSales]:
    """Units and line revenue of one sku per local week (Monday first), oldest first."""
    today = now.astimezone(shop.zone).date()
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    start = _local_midnight(first_monday, shop.zone)
    units: dict[date, int] = defaultdict(int)
    revenue: dict[date, Decimal] = defaultdict(Decimal)
    query = (
        select(
            OrderRow.placed_at,
            OrderLineRow.quantity,
            OrderLineRow.unit_price * OrderLineRow.quantity - OrderLineRow.discount,
        )
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .where(
            OrderLineRow.shop_id == shop.id,
            OrderLineRow.sku == sku,
            OrderRow.placed_at >= start,
            OrderRow.status.not_in(EXCLUDED_STATUSES),
        )
    )
    for placed_at, quantity, amount in session.execute(query):
        day = placed_at.astimezone(shop.zone).date()
        monday = day - timedelta(days=day.weekday())
        units[monday] += quantity
        revenue[monday] += Decimal(amount)
    mondays = [first_monday + timedelta(weeks=i) for i in range(weeks)]
    return [WeekSales(m, units[m], rounded(revenue[m], shop.currency)) for m in mondays]
