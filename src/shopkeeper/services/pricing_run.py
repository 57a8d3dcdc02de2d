"""A pricing run: learn elasticities, quote every product, propose the changes; the kill switch.

A run fits :class:`~shopkeeper.ai.pricing.elasticity.HierarchicalElasticityModel` on the
shop's sales at each price (stored as the ``pricing`` model run), measures how far
competitors follow our moves (:mod:`~shopkeeper.ai.pricing.competitor_response`; kept in
the run's metrics and said in the summary's note), asks
:class:`~shopkeeper.ai.pricing.experiments.ThompsonPriceExperiments` for a quote per product
(the best price for the shop's objective, or for a few products within the experiment
budget a price drawn from the elasticity's uncertainty, to keep learning), moves the variants
of each family together and keeps the brand tiers of each range in order
(:mod:`~shopkeeper.services.pricing_families`), and records each price that differs from the
current one as a ``dynamic_price`` proposal through the
capability's mode: nothing when ``off``, waiting in the Inbox when ``suggest``, applied at
once when ``auto`` (per shop, category or product). Waiting proposals of an earlier run are
replaced. Every quote passed the guardrails; the applier checks the locks again when it
applies, since one may have been set in between.

The kill switch turns pricing off at every scope and puts every product whose price the
pricing capability set back at its list price: the price before its latest run of
automatic changes, as the price-change log records it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.ai.pricing.competitor_response import fit_competitor_response
from shopkeeper.ai.pricing.elasticity import ElasticityQuery, HierarchicalElasticityModel
from shopkeeper.ai.pricing.experiments import ThompsonPriceExperiments
from shopkeeper.ai.pricing.quote_reason import PriceQuote
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import CapabilitySettingRow, PriceChangeRow, ProductRow
from shopkeeper.domain.proposals import Capability, CapabilityMode, ProposalPublic
from shopkeeper.services import audit, models, modes, proposals
from shopkeeper.services.pricing_families import align_families_and_ranges, refusal
from shopkeeper.services.pricing_inputs import (
    elasticity_frame,
    product_facts,
    question_for,
    range_prices,
)
from shopkeeper.services.pricing_rules import load_setup, locks_of
from shopkeeper.services.runtime import Runtime

KIND = "dynamic_price"
SOURCE = "pricing"
# A quote is about the demand and stock of the moment: it is not approved hours later.
VALID_FOR = timedelta(hours=8)

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class PricingRunSummary:
    """What a run did: products quoted, changes proposed or applied, and refusals."""

    model_run_id: int | None
    products: int
    quoted: int
    changes: int
    applied: int
    explored: tuple[str, ...]
    refused: dict[str, str] = field(default_factory=dict)
    note: str = ""
    seconds: float = 0.0


def _experiment_period(now: datetime) -> int:
    # One experiment period per day: the elasticities are read from daily sales, so a price
    # test held all day is one the next fit can see (runs that day keep the same draws).
    return now.date().toordinal()


def run_pricing(runtime: Runtime, shop_id: int, *, on_step: Progress = _quiet) -> PricingRunSummary:
    """Quote every product with a cost and propose the price changes (see the module)."""
    started = time.perf_counter()
    now = runtime.clock.now()
    on_step("reading sales at each price")
    frame = elasticity_frame(runtime, shop_id)
    facts = product_facts(runtime, shop_id, now)
    if frame.empty or not facts:
        return PricingRunSummary(
            None, len(facts), 0, 0, 0, (), note="no sales or no product with a cost to price"
        )
    on_step(f"learning elasticities from {len(frame)} product-days")
    model = HierarchicalElasticityModel().fit(frame)
    response = fit_competitor_response(frame)
    run = models.store_fitted(
        runtime,
        shop_id=shop_id,
        model=model,
        metrics={
            "rows": len(frame),
            "products": int(frame["sku"].nunique()),
            "competitor_follow": round(response.follow, 4),
            "competitor_follow_sd": round(response.sd, 4),
        },
    )
    follow = response.elasticity(model.shared_["competitor"])
    with runtime.sessions() as session:
        setup = load_setup(session, shop_id)
        locks = locks_of(session, shop_id, now)
    # A product whose family, range or tier attributes cannot be read is not priced.
    refused = {f.sku: f.misplaced for f in facts if f.misplaced is not None}
    placed = [f for f in facts if f.misplaced is None]
    estimates = model.predict(
        ElasticityQuery(
            skus=tuple(f.sku for f in placed),
            day=now.date(),
            categories={f.sku: f.category for f in placed},
        )
    )
    ranges = range_prices(placed)
    questions = [
        question_for(f, e, setup, locks.get(f.sku, ()), ranges, follow)
        for f, e in zip(placed, estimates, strict=True)
    ]
    on_step(f"quoting {len(questions)} products")
    experiments = ThompsonPriceExperiments(budget=setup.budget, seed=shop_id)
    found = experiments.plan(questions, setup.goal, now=now, period=_experiment_period(now))
    refused |= {e.details.get("sku", "?"): refusal(e) for e in found.refused}
    aligned = align_families_and_ranges(found.quotes, questions, setup.goal, now)
    refused = aligned.refused | refused  # a product's own refusal says more than its group's
    changed = [q for q in aligned.quotes if q.price != q.current_price]
    applied = 0
    with transaction(runtime.sessions) as session:
        proposals.supersede(
            session, runtime.clock, shop_id=shop_id, capability=Capability.PRICING, kinds=(KIND,)
        )
        family_of = {q.context.sku: q.context.family_id for q in questions}
        moving = Counter(family_of.get(quote.sku) for quote in changed)
        for quote in changed:
            family = family_of.get(quote.sku)
            together = family if family is not None and moving[family] > 1 else None
            made = _propose(session, runtime, shop_id, quote, run.id, now, together)
            applied += made is not None and made.status == "applied"
    return PricingRunSummary(
        model_run_id=run.id,
        products=len(facts),
        quoted=len(aligned.quotes),
        changes=len(changed),
        applied=applied,
        explored=tuple(q.sku for q in aligned.quotes if q.explored),
        refused=refused,
        note=response.describe() if response.moves else "",
        seconds=round(time.perf_counter() - started, 3),
    )


def _propose(
    session: Session,
    runtime: Runtime,
    shop_id: int,
    quote: PriceQuote,
    run_id: int,
    now: datetime,
    family: str | None,
) -> ProposalPublic | None:
    """Propose one price change; the changes of one ``family`` are decided together."""
    arrow = f"{quote.current_price} -> {quote.price} {quote.currency}"
    tried = " (price test)" if quote.explored else ""
    # Approving only some variants would split the family's price ladder.
    together = f"; decided with the rest of family {family}" if family is not None else ""
    grouped = {"decided_with": f"family:{family}:run-{run_id}"} if family is not None else {}
    return proposals.propose(
        session,
        runtime.clock,
        shop_id=shop_id,
        capability=Capability.PRICING,
        kind=KIND,
        target=quote.sku,
        summary=f"{quote.sku}: {arrow} ({quote.change_pct:+.1f}%){tried}{together}",
        explanation=quote.explanation(),
        payload={
            "sku": quote.sku,
            "old_price": str(quote.current_price),
            "new_price": str(quote.price),
            "explored": quote.explored,
            **grouped,
        },
        expected_effect={
            "objective": quote.objective,
            "units_per_day": round(quote.expected.units, 3),
            "revenue_per_day": round(quote.expected.revenue, 2),
            "profit_per_day": round(quote.expected.profit, 2),
            "profit_change_per_day": round(quote.expected.profit - quote.at_current.profit, 2),
            "units_change_per_day": round(quote.expected.units - quote.at_current.units, 3),
        },
        expires_at=now + VALID_FOR,
        model_run_id=run_id,
    )


@dataclass(frozen=True)
class KillSwitchResult:
    """Prices put back (sku -> (from, to)) and the pricing settings turned off."""

    reverted: dict[str, tuple[Decimal, Decimal]]
    modes_off: int
    expired: int


def list_prices(session: Session, shop_id: int) -> dict[int, tuple[Decimal, Decimal]]:
    """Per product whose latest price change came from pricing: (current, list price)."""
    rows = session.execute(
        select(
            PriceChangeRow.product_id,
            PriceChangeRow.source,
            PriceChangeRow.old_price,
            PriceChangeRow.new_price,
        )
        .where(PriceChangeRow.shop_id == shop_id)
        .order_by(PriceChangeRow.product_id, PriceChangeRow.changed_at, PriceChangeRow.id)
    ).all()
    runs: dict[int, tuple[Decimal, Decimal] | None] = {}
    for product_id, source, old, new in rows:
        held = runs.get(product_id)
        if source == SOURCE:
            # The list price is the price before the first automatic change of the run.
            runs[product_id] = (Decimal(new), held[1] if held is not None else Decimal(old))
        else:
            runs[product_id] = None
    return {pid: pair for pid, pair in runs.items() if pair is not None}


def kill_switch(runtime: Runtime, shop_id: int, *, actor: str) -> KillSwitchResult:
    """Turn pricing off everywhere and put automatic prices back to list prices, at once."""
    clock = runtime.clock
    now = clock.now()
    with transaction(runtime.sessions) as session:
        settings = session.scalars(
            select(CapabilitySettingRow).where(
                CapabilitySettingRow.shop_id == shop_id,
                CapabilitySettingRow.capability == Capability.PRICING.value,
                CapabilitySettingRow.scope_kind != "shop",
            )
        ).all()
        for row in settings:
            modes.clear_override(
                session,
                clock,
                shop_id=shop_id,
                capability=Capability.PRICING,
                scope_kind=row.scope_kind,
                scope_value=row.scope_value,
                actor=actor,
            )
        modes.set_mode(
            session,
            clock,
            shop_id=shop_id,
            capability=Capability.PRICING,
            mode=CapabilityMode.OFF,
            actor=actor,
        )
        expired = proposals.supersede(
            session, clock, shop_id=shop_id, capability=Capability.PRICING, kinds=(KIND,)
        )
        reverted: dict[str, tuple[Decimal, Decimal]] = {}
        for product_id, (current, listed) in list_prices(session, shop_id).items():
            product = session.get(ProductRow, product_id)
            if product is None or product.price == listed or product.price != current:
                continue  # already back, or edited by hand since: a person's price stays
            reverted[product.sku] = (product.price, listed)
            session.add(
                PriceChangeRow(
                    shop_id=shop_id,
                    product_id=product_id,
                    old_price=product.price,
                    new_price=listed,
                    reason="kill switch: back to the list price",
                    source="kill_switch",
                    changed_by=actor,
                    changed_at=now,
                )
            )
            product.price, product.updated_at = listed, now
        audit.record(
            session,
            clock,
            shop_id=shop_id,
            actor=actor,
            action="pricing.kill_switch",
            target_kind="capability",
            target_id=Capability.PRICING.value,
            after={"reverted": {k: [str(a), str(b)] for k, (a, b) in reverted.items()}},
            reason="pricing stopped; automatic prices back to list prices",
        )
    return KillSwitchResult(reverted=reverted, modes_off=len(settings) + 1, expired=expired)
