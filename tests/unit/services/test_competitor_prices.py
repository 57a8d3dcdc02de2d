"""Recording competitor prices: nothing lost, nothing doubled, signals only for confirmed matches."""

from __future__ import annotations

import io
import random
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shopkeeper.core.errors import ErrorCode, InvalidInputError, NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import AuditLogRow, CompetitorObservationRow
from shopkeeper.domain.competitor_prices import MatchStatus
from shopkeeper.domain.shops import Shop, ShopCreate
from shopkeeper.services import competitor_matches
from shopkeeper.services.competitor_price_import import import_competitor_prices
from shopkeeper.services.competitor_prices import (
    PriceBatchResult,
    PriceOutcome,
    record_competitor_prices,
)
from shopkeeper.services.competitor_suggestions import suggest_matches
from shopkeeper.services.imports import ImportProgress
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import create_shop
from tests.unit.services.competitor_shop import (
    COFFEE_TITLE,
    add_products,
    competitor_signals,
    price,
)

pytestmark = pytest.mark.postgres
PRIXMALIN = "competitor_price.prixmalin"


def record(runtime: Runtime, shop: Shop, *items: Any) -> PriceBatchResult:
    return record_competitor_prices(
        runtime.sessions, runtime.clock, shop_id=shop.id, raw_items=list(items), actor="test"
    )


def observations(runtime: Runtime, shop_id: int) -> list[tuple[int, date, Decimal, str]]:
    with transaction(runtime.sessions) as session:
        rows = session.execute(
            select(
                CompetitorObservationRow.match_id,
                CompetitorObservationRow.observed_on,
                CompetitorObservationRow.price,
                CompetitorObservationRow.title,
            )
            .where(CompetitorObservationRow.shop_id == shop_id)
            .order_by(CompetitorObservationRow.match_id, CompetitorObservationRow.observed_on)
        ).all()
        return [(m, d, p, t) for m, d, p, t in rows]


def test_a_suggested_match_keeps_its_prices_and_confirming_writes_them_all(
    runtime: Runtime, shop: Shop
) -> None:
    add_products(runtime, shop)
    first = record(runtime, shop, price(day="2026-11-20"), price(amount="11.50", day="2026-11-21"))
    assert first.counts()["suggested"] == 2
    match_id = first.stored[0].match_id
    assert {s.match_id for s in first.stored} == {match_id}
    assert first.stored[0].sku == "COF-500"
    assert len(observations(runtime, shop.id)) == 2
    assert competitor_signals(runtime, shop.id) == []

    with transaction(runtime.sessions) as session:
        match, written = competitor_matches.confirm_match(
            session, runtime.clock, shop.id, match_id, actor="owner"
        )
    assert (match.status, match.sku, match.decided_by, written) == (
        MatchStatus.CONFIRMED,
        "COF-500",
        "owner",
        2,
    )
    assert competitor_signals(runtime, shop.id) == [
        (PRIXMALIN, "COF-500", date(2026, 11, 20), 11.90, match_id),
        (PRIXMALIN, "COF-500", date(2026, 11, 21), 11.50, match_id),
    ]
    # A price arriving after the confirmation goes to the signals at once.
    later = record(runtime, shop, price(amount="10.90", day="2026-11-22"))
    assert later.stored[0].outcome is PriceOutcome.MATCHED
    assert competitor_signals(runtime, shop.id)[-1][2:4] == (date(2026, 11, 22), 10.90)
    with transaction(runtime.sessions) as session:
        audit = session.scalars(
            select(AuditLogRow).where(AuditLogRow.target_kind == "competitor_match")
        ).all()
    assert [(a.action, a.actor, a.after) for a in audit] == [
        ("confirm", "owner", {"status": "confirmed", "sku": "COF-500"})
    ]


def test_reject_keeps_the_prices_and_writes_no_signal(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    match_id = record(runtime, shop, price()).stored[0].match_id
    with transaction(runtime.sessions) as session:
        match, removed = competitor_matches.reject_match(
            session, runtime.clock, shop.id, match_id, actor="owner"
        )
    assert (match.status, removed) == (MatchStatus.REJECTED, 0)
    again = record(runtime, shop, price(amount="9.90", day="2026-11-23"))
    assert again.stored[0].outcome is PriceOutcome.UNMATCHED
    assert len(observations(runtime, shop.id)) == 2
    assert competitor_signals(runtime, shop.id) == []
    # Suggesting again leaves the owner's decision alone.
    with transaction(runtime.sessions) as session:
        suggest_matches(session, shop.id)
        assert competitor_matches.get_match(session, shop.id, match_id).status == "rejected"


def test_rejecting_a_confirmed_match_removes_only_its_own_points(
    runtime: Runtime, shop: Shop
) -> None:
    add_products(runtime, shop)
    coffee = record(runtime, shop, price()).stored[0].match_id
    # Another product of the same competitor, sent with our sku: confirmed by the sender.
    lemonade = record(runtime, shop, price("Limonade Lorina 0.75 L", "3.20", sku="LIM-75"))
    assert lemonade.stored[0].outcome is PriceOutcome.MATCHED
    with transaction(runtime.sessions) as session:
        competitor_matches.confirm_match(session, runtime.clock, shop.id, coffee, actor="owner")
        # Confirming again changes nothing.
        competitor_matches.confirm_match(session, runtime.clock, shop.id, coffee, actor="owner")
    assert [s[1] for s in competitor_signals(runtime, shop.id)] == ["COF-500", "LIM-75"]
    with transaction(runtime.sessions) as session:
        _, removed = competitor_matches.reject_match(
            session, runtime.clock, shop.id, coffee, actor="owner"
        )
    assert removed == 1
    assert [s[1] for s in competitor_signals(runtime, shop.id)] == ["LIM-75"]


def test_confirming_another_sku_moves_the_points(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    match_id = record(runtime, shop, price()).stored[0].match_id
    with transaction(runtime.sessions) as session:
        competitor_matches.confirm_match(session, runtime.clock, shop.id, match_id, actor="o")
        competitor_matches.confirm_match(
            session, runtime.clock, shop.id, match_id, actor="o", sku="COF-1K"
        )
    assert [s[1] for s in competitor_signals(runtime, shop.id)] == ["COF-1K"]


def test_the_same_prices_sent_twice_change_nothing(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    batch = [
        price(day="2026-11-20"),
        price("Limonade Lorina 75cl", "3.20", sku="LIM-75"),
        price("Vélo électrique", "999"),
        price(competitor="MegaBoutique", competitor_sku="MB-1", title="Café Maison Arabica 1kg"),
    ]
    first = record(runtime, shop, *batch)
    before = (observations(runtime, shop.id), competitor_signals(runtime, shop.id))
    second = record(runtime, shop, *batch)
    assert first.counts() == {
        "stored": 4,
        "unchanged": 0,
        "matched": 1,
        "suggested": 2,
        "unmatched": 1,
        "rejected": 0,
    }
    assert second.counts()["unchanged"] == 4
    assert [s.match_id for s in second.stored] == [s.match_id for s in first.stored]
    assert (observations(runtime, shop.id), competitor_signals(runtime, shop.id)) == before
    with transaction(runtime.sessions) as session:
        assert competitor_matches.list_matches(session, shop.id).count == 4


def test_the_latest_reading_of_a_day_wins_in_any_order(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    morning = price(amount="12.50", day="2026-11-20T08:00:00+01:00", sku="COF-500")
    evening = price(amount="11.90", day="2026-11-20T19:00:00+01:00", sku="COF-500")
    record(runtime, shop, evening)
    late = record(runtime, shop, morning)
    assert not late.stored[0].changed
    assert observations(runtime, shop.id)[0][2] == Decimal("11.90")
    assert competitor_signals(runtime, shop.id)[0][3] == 11.90


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    readings=st.lists(
        st.tuples(st.integers(1, 3), st.integers(0, 23), st.integers(100, 2000)),
        min_size=1,
        max_size=8,
        # Two readings stamped the same second with two prices are a correction: the one
        # sent last wins, so only distinct times can be order-free.
        unique_by=lambda reading: reading[:2],
    ),
    seed=st.integers(0, 1000),
)
def test_any_order_and_any_repetition_store_the_same(
    runtime: Runtime, readings: list[tuple[int, int, int]], seed: int
) -> None:
    """Ingestion is idempotent and order-free: the stored prices depend on the set sent."""
    items = [
        price(amount=f"{cents / 100:.2f}", day=f"2026-11-0{day}T{hour:02d}:00:00Z", sku="LIM-75")
        for day, hour, cents in readings
    ]
    shuffled = items + random.Random(seed).sample(items, len(items))
    stored = []
    for batches in ([items], [shuffled[: len(items)], shuffled[len(items) :]]):
        with transaction(runtime.sessions) as session:
            slug = f"h-{uuid.uuid4().hex[:10]}"
            target = create_shop(session, ShopCreate(slug=slug, name=slug), runtime.clock)
        add_products(runtime, target, {"LIM-75": ("Limonade", "Lorina", "75 cl", "3.50")})
        for batch in batches:
            record(runtime, target, *batch)
        stored.append(
            (
                [row[1:] for row in observations(runtime, target.id)],
                [row[1:4] for row in competitor_signals(runtime, target.id)],
            )
        )
    assert stored[0] == stored[1]


def test_bad_prices_are_rejected_alone_with_their_reason(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    result = record(
        runtime,
        shop,
        price(),
        price(currency="XYZ"),
        price(currency="USD"),
        price(amount="-2"),
        price(amount="0"),
        price(day="2026-12-25"),
        price(day="2026-11-20T10:00:00"),
        price(sku="NOPE-1"),
        {"competitor": "PrixMalin"},
        "not an object",
    )
    assert [s.index for s in result.stored] == [0]
    reasons = {r.index: r.reason for r in result.rejected}
    assert "unknown currency 'XYZ'" in reasons[1]
    assert "shop's currency (EUR)" in reasons[2]
    assert "price must be more than zero" in reasons[3]
    assert "price must be more than zero" in reasons[4]
    assert "in the future" in reasons[5]
    assert "observed_at" in reasons[6]
    assert "no product of ours has the sku 'NOPE-1'" in reasons[7]
    assert "title" in reasons[8]
    assert "price" in reasons[8]
    assert 9 in reasons
    assert result.rejected[1].competitor == "PrixMalin"
    assert len(observations(runtime, shop.id)) == 1
    with pytest.raises(InvalidInputError):
        record(runtime, shop, *[price()] * 5001)


def test_confirm_needs_a_product_and_stays_in_its_shop(
    runtime: Runtime, shop: Shop, other_shop: Shop
) -> None:
    add_products(runtime, shop)
    unmatched = record(runtime, shop, price("Vélo électrique", "999")).stored[0]
    assert (unmatched.outcome, unmatched.sku) == (PriceOutcome.UNMATCHED, None)
    with transaction(runtime.sessions) as session:
        with pytest.raises(InvalidInputError) as no_sku:
            competitor_matches.confirm_match(
                session, runtime.clock, shop.id, unmatched.match_id, actor="o"
            )
        assert no_sku.value.code is ErrorCode.INVALID_INPUT
        with pytest.raises(NotFoundError):
            competitor_matches.confirm_match(
                session, runtime.clock, shop.id, unmatched.match_id, actor="o", sku="NOPE"
            )
        with pytest.raises(NotFoundError):
            competitor_matches.reject_match(
                session, runtime.clock, other_shop.id, unmatched.match_id, actor="o"
            )
        assert competitor_matches.list_matches(session, other_shop.id).count == 0
        match, written = competitor_matches.confirm_match(
            session, runtime.clock, shop.id, unmatched.match_id, actor="o", sku="VASE-1"
        )
    assert (match.sku, written) == ("VASE-1", 1)


def test_suggest_matches_again_after_the_catalogue_grows(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    unmatched = record(runtime, shop, price("Vélo électrique urbain 28 pouces", "999")).stored[0]
    add_products(runtime, shop, {"VELO-28": ("Vélo électrique urbain", "", "28 pouces", "1200")})
    with transaction(runtime.sessions) as session:
        assert suggest_matches(session, shop.id) == 1
        match = competitor_matches.get_match(session, shop.id, unmatched.match_id)
    assert (match.status, match.sku) == (MatchStatus.SUGGESTED, "VELO-28")
    assert match.candidates[0].sku == "VELO-28"


def test_listing_filters_by_status_and_shows_the_latest_price(runtime: Runtime, shop: Shop) -> None:
    add_products(runtime, shop)
    record(
        runtime,
        shop,
        price(day="2026-11-20"),
        price(amount="10.90", day="2026-11-22"),
        price("Vélo électrique", "999"),
    )
    with transaction(runtime.sessions) as session:
        suggested = competitor_matches.list_matches(session, shop.id, status=MatchStatus.SUGGESTED)
        unmatched = competitor_matches.list_matches(session, shop.id, status=MatchStatus.UNMATCHED)
        with pytest.raises(InvalidInputError):
            competitor_matches.list_matches(session, shop.id, limit=501)
    assert suggested.count == 1
    coffee = suggested.data[0]
    assert (coffee.observations, coffee.last_price, coffee.last_observed_on) == (
        2,
        Decimal("10.90"),
        date(2026, 11, 22),
    )
    assert coffee.title == COFFEE_TITLE
    assert [m.title for m in unmatched.data] == ["Vélo électrique"]


def prices_csv(rows: int) -> bytes:
    lines = ["competitor;title;price;currency;observed_at;sku"]
    lines += [
        f"PrixMalin;Limonade Lorina;3,{r:02d};EUR;2026-10-{r + 1:02d};LIM-75" for r in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


class SimulatedCrashError(Exception):
    """Stands for anything that stops an import: a bug, a full disk, Ctrl-C."""


def test_an_import_stopped_midway_keeps_whole_chunks_and_completes_on_rerun(
    runtime: Runtime, shop: Shop
) -> None:
    add_products(runtime, shop)

    def crash_at_seven(state: ImportProgress) -> None:
        if state.stored == 7:
            raise SimulatedCrashError("stopped after seven rows")

    with pytest.raises(SimulatedCrashError):
        import_competitor_prices(
            runtime.sessions,
            runtime.clock,
            shop,
            io.BytesIO(prices_csv(12)),
            chunk_size=3,
            on_progress=crash_at_seven,
        )
    # Two chunks of three were committed; the third, interrupted, left nothing behind.
    assert len(observations(runtime, shop.id)) == 6
    assert len(competitor_signals(runtime, shop.id)) == 6
    with transaction(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(CompetitorObservationRow)) == 6

    rerun = import_competitor_prices(
        runtime.sessions, runtime.clock, shop, io.BytesIO(prices_csv(12)), chunk_size=3
    )
    assert (rerun.stored, rerun.unchanged, rerun.matched, rerun.rejected) == (12, 6, 12, 0)
    assert len(observations(runtime, shop.id)) == 12
    assert len(competitor_signals(runtime, shop.id)) == 12
