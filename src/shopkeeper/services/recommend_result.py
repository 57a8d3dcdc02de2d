"""From the models' proposals to the answer: reasons in words, the shop's rules, prices.

Every recommendation endpoint ends here. :func:`merge` joins the sources' lists (the first
source to propose a product keeps it), :func:`reasoned` turns each proposal's reason into
words with the titles the rule context read, and :func:`answer` applies the shop's rules
and shows prices in the currency's precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from shopkeeper.ai.recommend.session_signals import LiveSession
from shopkeeper.core.money import rounded
from shopkeeper.domain.recommendations import (
    Placement,
    RecommendationResult,
    RecommendationSource,
    RecommendedItem,
)
from shopkeeper.services.recommend_rules_apply import (
    Candidate,
    Policy,
    ProductFacts,
    apply_rules,
)
from shopkeeper.services.recommend_rules_context import RuleContext
from shopkeeper.services.recommend_sources import CREDIT, Proposal


def merge(*sources: Iterable[Proposal]) -> list[Proposal]:
    """All proposals, each sku once: the earlier source (and rank) keeps it."""
    merged: dict[str, Proposal] = {}
    for proposals in sources:
        for proposal in proposals:
            merged.setdefault(proposal.scored.sku, proposal)
    return list(merged.values())


def reasoned(
    proposals: Sequence[Proposal],
    products: Mapping[str, ProductFacts],
    live: LiveSession | None = None,
) -> list[Candidate]:
    """The proposals as rule candidates, their reasons naming the credited product.

    A session proposal credited to a product the visitor did something telling with
    (long look, cart, search) says so: "Because you put Desk lamp in your cart".
    """
    signals = {s.sku: s for s in live.signals()} if live is not None else {}
    candidates = []
    for proposal in proposals:
        reason = proposal.reason
        if proposal.credit is not None:
            facts = products.get(proposal.credit)
            title = facts.title if facts is not None else proposal.credit
            signal = signals.get(proposal.credit)
            if proposal.source is RecommendationSource.SESSION and signal is not None:
                reason = f"Because {signal.describe(title)}"
            else:
                reason = reason.replace(CREDIT, title)
        sku, score = proposal.scored.sku, proposal.scored.score
        candidates.append(Candidate(sku, score, proposal.source.value, reason))
    return candidates


def answer(
    candidates: Sequence[Candidate],
    context: RuleContext,
    *,
    k: int,
    placement: Placement,
    request_id: str,
    runs: Sequence[int],
    exclude: frozenset[str] = frozenset(),
    policy: Policy | None = None,
    empty_note: str = "nothing the shop can offer matches this request right now",
) -> RecommendationResult:
    """The shop's rules applied to ``candidates``; ``policy`` overrides the shop's own."""
    chosen = apply_rules(
        candidates,
        context.products,
        context.rules,
        policy or context.policy,
        context.bought_durables,
        k,
        exclude=exclude,
    )
    items = []
    for pick in chosen:
        candidate = pick.candidate
        facts = context.products[candidate.sku]
        items.append(
            RecommendedItem(
                sku=candidate.sku,
                title=facts.title,
                price=rounded(facts.price, context.currency),
                score=round(pick.score, 6),
                # A pinned product is there because the owner said so, whatever the model.
                reason=pick.rule_note if pick.pinned and pick.rule_note else candidate.reason,
                source=RecommendationSource(candidate.source),  # PINNED_SOURCE is RULE's value
                rule=pick.rule_note,
            )
        )
    return RecommendationResult(
        rec_request_id=request_id,
        placement=placement,
        items=items,
        model_runs=list(dict.fromkeys(runs)),
        note=None if items else empty_note,
    )
