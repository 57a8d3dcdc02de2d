"""What recommendations earn: click-through, add to cart and revenue, treated vs holdout.

Definitions (the dashboard states them next to the numbers):

- a session's group is its recommendation holdout group (:func:`holdout.group_for`) under
  the shop's salt and *current* holdout share;
- impressions and clicks are ``recommendation_impression`` / ``recommendation_click``
  events in the period (the last ``days`` local days, today included); CTR = clicks /
  impressions;
- a *clicked item* is a (session, sku) pair with at least one click; it converts to the
  cart when the same session later has an ``add_to_cart`` of that sku; add-to-cart rate =
  converted clicked items / clicked items;
- attributed revenue is ``unit_price * quantity - discount`` of every order line of a
  clicked sku whose order is tied to the session (an event of the session names the order,
  or names the order's customer) and was placed within 24 h after the first click on it.
  Cancelled orders never count, and each order line counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from shopkeeper.core.money import rounded
from shopkeeper.data.tables import CustomerRow, EventRow, OrderLineRow, OrderRow
from shopkeeper.domain.events import EventType
from shopkeeper.domain.proposals import Capability
from shopkeeper.services import holdout
from shopkeeper.services.holdout import Group
from shopkeeper.services.kpis import EXCLUDED_STATUSES, Period
from shopkeeper.services.recommend_groups import as_utc, grouper
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import get_shop

ATTRIBUTION_WINDOW = timedelta(hours=24)
_IMPRESSION = EventType.RECOMMENDATION_IMPRESSION.value
_CLICK = EventType.RECOMMENDATION_CLICK.value
_ADD = EventType.ADD_TO_CART.value
# What a visitor looked at, for the session picker: the same kinds the session model reads.


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


@dataclass(frozen=True, slots=True)
class GroupPerformance:
    """The figures of one group over the period.

    Examples
    --------
    >>> g = GroupPerformance(Group.TREATMENT, 3, 200, 10, 8, 2, 1, Decimal("40.00"))
    >>> g.ctr, g.add_to_cart_rate
    (Decimal('0.05'), Decimal('0.25'))
    """

    group: Group
    sessions: int  # sessions with at least one impression
    impressions: int
    clicks: int
    clicked_items: int
    added_to_cart: int
    orders: int
    revenue: Decimal

    @property
    def ctr(self) -> Decimal | None:
        return _ratio(self.clicks, self.impressions)

    @property
    def add_to_cart_rate(self) -> Decimal | None:
        return _ratio(self.added_to_cart, self.clicked_items)


@dataclass(frozen=True, slots=True)
class DayPerformance:
    """Impressions and clicks of one local day, per group.

    Examples
    --------
    >>> d = DayPerformance(date(2026, 11, 25), {Group.TREATMENT: 4}, {Group.TREATMENT: 1})
    >>> d.ctr(Group.TREATMENT), d.ctr(Group.HOLDOUT)
    (Decimal('0.25'), None)
    """

    day: date
    impressions: dict[Group, int]
    clicks: dict[Group, int]

    def ctr(self, group: Group) -> Decimal | None:
        return _ratio(self.clicks.get(group, 0), self.impressions.get(group, 0))


@dataclass(frozen=True, slots=True)
class RecommendationPerformance:
    """Both groups over one period, with the daily series for the chart.

    Examples
    --------
    >>> from datetime import UTC
    >>> from zoneinfo import ZoneInfo
    >>> period = Period.ending(datetime(2026, 11, 25, tzinfo=UTC), ZoneInfo("UTC"), 1)
    >>> empty = [GroupPerformance(g, 0, 0, 0, 0, 0, 0, Decimal(0)) for g in Group]
    >>> report = RecommendationPerformance(period, "EUR", 0.1, *empty, daily=[])
    >>> [g.group.value for g in report.groups]
    ['treatment', 'holdout']
    """

    period: Period
    currency: str
    holdout_share: float
    treatment: GroupPerformance
    holdout: GroupPerformance
    daily: list[DayPerformance]

    @property
    def groups(self) -> tuple[GroupPerformance, GroupPerformance]:
        return self.treatment, self.holdout


@dataclass
class _Tally:
    sessions: set[str]
    impressions: int = 0
    clicks: int = 0
    clicked_items: int = 0
    added: int = 0


def recommendation_performance(
    runtime: Runtime, shop_id: int, *, days: int = 30
) -> RecommendationPerformance:
    """CTR, add-to-cart rate and attributed revenue per group over the last ``days`` days."""
    with runtime.sessions() as session:
        shop = get_shop(session, shop_id)
        share = holdout.holdout_share(session, shop_id, Capability.RECOMMEND)
        period = Period.ending(runtime.clock.now(), shop.zone, days)
        group = grouper(shop.holdout_salt, share)
        in_period = (
            EventRow.shop_id == shop_id,
            EventRow.occurred_at >= period.start,
            EventRow.occurred_at < period.end,
        )
        shown = session.execute(
            select(EventRow.session_id, EventRow.type, EventRow.sku, EventRow.occurred_at)
            .where(*in_period, EventRow.type.in_((_IMPRESSION, _CLICK)))
            .execution_options(yield_per=5000)
        )
        # Streamed: impressions are the biggest table a shop has; only counts are kept.
        tallies, daily, first_click = _count_shown(shown, period, group)
        clicked_sessions = (
            select(EventRow.session_id)
            .where(*in_period, EventRow.type == _CLICK)
            .distinct()
            .scalar_subquery()
        )
        of_clicked = (EventRow.shop_id == shop_id, EventRow.session_id.in_(clicked_sessions))
        follow_ups = session.execute(
            select(
                EventRow.session_id,
                EventRow.type,
                EventRow.sku,
                EventRow.occurred_at,
                EventRow.order_external_id,
                EventRow.customer_external_id,
            ).where(
                *of_clicked,
                or_(
                    EventRow.type == _ADD,
                    EventRow.order_external_id.is_not(None),
                    EventRow.customer_external_id.is_not(None),
                ),
            )
        ).all()
        named_orders = select(EventRow.order_external_id).where(*of_clicked)
        named_customers = select(EventRow.customer_external_id).where(*of_clicked)
        lines = session.execute(
            select(
                OrderLineRow.sku,
                OrderLineRow.unit_price * OrderLineRow.quantity - OrderLineRow.discount,
                OrderRow.id,
                OrderRow.external_id,
                CustomerRow.external_id,
                OrderRow.placed_at,
            )
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .outerjoin(CustomerRow, CustomerRow.id == OrderRow.customer_id)
            .where(
                OrderRow.shop_id == shop_id,
                OrderRow.placed_at >= period.start,
                OrderRow.placed_at < period.end + ATTRIBUTION_WINDOW,
                OrderRow.status.not_in(EXCLUDED_STATUSES),
                or_(
                    OrderRow.external_id.in_(named_orders),
                    CustomerRow.external_id.in_(named_customers),
                ),
            )
        ).all()

    orders_of: dict[str, set[str]] = defaultdict(set)
    customers_of: dict[str, set[str]] = defaultdict(set)
    added: set[tuple[str, str]] = set()
    for session_id, kind, sku, occurred_at, order_id, customer_id in follow_ups:
        if order_id:
            orders_of[session_id].add(order_id)
        if customer_id:
            customers_of[session_id].add(customer_id)
        clicked_at = first_click.get((session_id, sku or ""))
        if kind == _ADD and clicked_at is not None and as_utc(occurred_at) >= clicked_at:
            added.add((session_id, sku or ""))
    for session_id, _sku in added:
        tallies[group(session_id)].added += 1

    revenue, orders = _attribute(lines, first_click, orders_of, customers_of, group)
    return RecommendationPerformance(
        period=period,
        currency=shop.currency,
        holdout_share=share,
        treatment=_summary(Group.TREATMENT, tallies, orders, revenue, shop.currency),
        holdout=_summary(Group.HOLDOUT, tallies, orders, revenue, shop.currency),
        daily=[daily.get(day, DayPerformance(day, {}, {})) for day in period.days],
    )


def _count_shown(
    rows: Iterable[tuple[str, str, str | None, datetime]],
    period: Period,
    group: Callable[[str], Group],
) -> tuple[dict[Group, _Tally], dict[date, DayPerformance], dict[tuple[str, str], datetime]]:
    """Impressions and clicks per group and per day, and each clicked item's first click."""
    tallies = {g: _Tally(sessions=set()) for g in Group}
    daily: dict[date, DayPerformance] = {}
    first_click: dict[tuple[str, str], datetime] = {}
    for session_id, kind, sku, occurred_at in rows:
        at, side = as_utc(occurred_at), group(session_id)
        day = period.local_day(at)
        tally = tallies[side]
        counts = daily.setdefault(day, DayPerformance(day, {}, {}))
        if kind == _IMPRESSION:
            tally.impressions += 1
            tally.sessions.add(session_id)
            counts.impressions[side] = counts.impressions.get(side, 0) + 1
            continue
        tally.clicks += 1
        counts.clicks[side] = counts.clicks.get(side, 0) + 1
        if sku is not None:
            earlier = first_click.get((session_id, sku))
            first_click[(session_id, sku)] = at if earlier is None else min(at, earlier)
    for session_id, _sku in first_click:
        tallies[group(session_id)].clicked_items += 1
    return tallies, daily, first_click


def _attribute(
    lines: Iterable[tuple[str, Decimal, int, str, str | None, datetime]],
    first_click: dict[tuple[str, str], datetime],
    orders_of: dict[str, set[str]],
    customers_of: dict[str, set[str]],
    group: Callable[[str], Group],
) -> tuple[dict[Group, Decimal], dict[Group, set[int]]]:
    """Revenue and orders per group from the order lines of clicked skus (each line once)."""
    clicks_of_sku: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for (session_id, sku), at in sorted(first_click.items(), key=lambda kv: kv[1]):
        clicks_of_sku[sku].append((at, session_id))
    revenue: dict[Group, Decimal] = defaultdict(Decimal)
    orders: dict[Group, set[int]] = defaultdict(set)
    for sku, amount, order_id, order_ref, customer_ref, placed_at in lines:
        placed = as_utc(placed_at)
        # The earliest qualifying click claims the line, so no line is counted twice.
        for clicked_at, session_id in clicks_of_sku.get(sku, ()):
            tied = order_ref in orders_of.get(session_id, ()) or (
                customer_ref is not None and customer_ref in customers_of.get(session_id, ())
            )
            if tied and clicked_at <= placed <= clicked_at + ATTRIBUTION_WINDOW:
                revenue[group(session_id)] += Decimal(amount)
                orders[group(session_id)].add(order_id)
                break
    return revenue, orders


def _summary(
    group: Group,
    tallies: dict[Group, _Tally],
    orders: dict[Group, set[int]],
    revenue: dict[Group, Decimal],
    currency: str,
) -> GroupPerformance:
    tally = tallies[group]
    return GroupPerformance(
        group=group,
        sessions=len(tally.sessions),
        impressions=tally.impressions,
        clicks=tally.clicks,
        clicked_items=tally.clicked_items,
        added_to_cart=tally.added,
        orders=len(orders.get(group, ())),
        revenue=rounded(revenue.get(group, Decimal(0)), currency),
    )
