"""Proposals: every automatic action is proposed, explained, guarded and logged.

Lifecycle::

    propose ──mode off──> (nothing stored)
       │ suggest                     auto
       v                              │
    proposed ──approve──> applied <───┘   (applier ran, audit row written)
       │  │
       │  └──approve, no applier for its kind──> approved  (a job applies it later)
       ├──reject──> rejected
       └──expire_due (expires_at passed)──> expired

An applier is a function registered per ``kind``; it performs the change in the caller's
transaction and returns a dict stored as the proposal's ``result``. It raises
``GuardrailError`` to refuse, which leaves the proposal waiting and changes nothing.

Proposals that only make sense together (the price changes of one product family) carry
the same ``payload["decided_with"]`` key: approving or rejecting one decides every waiting
proposal of its kind with that key, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, GuardrailError, NotFoundError
from shopkeeper.data.tables import ProductRow, ProposalRow
from shopkeeper.domain.explanation import Explanation
from shopkeeper.domain.proposals import Capability, CapabilityMode, ProposalPublic, ProposalStatus
from shopkeeper.domain.schemas import Page, check_page_window
from shopkeeper.services import audit, modes
from shopkeeper.services.proposal_appliers import apply_price_change
from shopkeeper.services.purchase_orders import apply_purchase_order

MAX_PAGE = 200
AUTO_ACTOR = "auto"

Applier = Callable[[Session, Clock, ProposalRow, str], dict[str, Any]]
APPLIERS: dict[str, Applier] = {}


def register_applier(kind: str, fn: Applier) -> Applier:
    """Register the function that carries out approved proposals of ``kind``."""
    APPLIERS[kind] = fn
    return fn


def to_public(row: ProposalRow) -> ProposalPublic:
    return ProposalPublic.model_validate(row)


def _category_of(session: Session, shop_id: int, target: str) -> str | None:
    # Most proposals target a product by sku; its category lets a category override apply
    # even when the proposing job did not pass the category itself.
    category = session.scalar(
        select(ProductRow.category).where(ProductRow.shop_id == shop_id, ProductRow.sku == target)
    )
    return category or None


def propose(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    capability: Capability,
    kind: str,
    target: str,
    summary: str,
    explanation: Explanation,
    payload: dict[str, Any],
    expected_effect: dict[str, Any] | None = None,
    category: str | None = None,
    expires_at: datetime | None = None,
    model_run_id: int | None = None,
    actor: str = "system",
) -> ProposalPublic | None:
    """Record a proposed action according to the capability's mode for its target.

    ``off`` stores nothing and returns ``None``; ``suggest`` stores it as ``proposed``;
    ``auto`` stores it and applies it at once. An automatic application refused by a
    guardrail falls back to waiting for a person, with the refusal kept in ``result``.
    """
    if category is None:
        category = _category_of(session, shop_id, target)
    mode = modes.resolve_mode(session, shop_id, capability, category=category, sku=target)
    if mode is CapabilityMode.OFF:
        return None
    row = ProposalRow(
        shop_id=shop_id,
        capability=capability.value,
        kind=kind,
        target=target,
        category=category,
        payload=payload,
        summary=summary,
        explanation=explanation.as_dict(),
        expected_effect=expected_effect or {},
        status=ProposalStatus.PROPOSED.value,
        model_run_id=model_run_id,
        created_at=clock.now(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="proposal.created",
        target_kind="proposal",
        target_id=str(row.id),
        after={"kind": kind, "target": target, "mode": mode.value},
        reason=summary,
    )
    if mode is CapabilityMode.AUTO and kind in APPLIERS:
        try:
            with session.begin_nested():
                _apply(session, clock, row, AUTO_ACTOR)
        except GuardrailError as exc:
            row.result = {"auto_refused": exc.message, "details": exc.details}
            session.flush()
    return to_public(row)


def _row(session: Session, shop_id: int, proposal_id: int) -> ProposalRow:
    row = session.get(ProposalRow, proposal_id)
    # Another shop's proposal is reported as missing so ids do not leak across shops.
    if row is None or row.shop_id != shop_id:
        raise NotFoundError(f"no proposal {proposal_id}", proposal_id=proposal_id)
    return row


def get_proposal(session: Session, shop_id: int, proposal_id: int) -> ProposalPublic:
    return to_public(_row(session, shop_id, proposal_id))


def list_proposals(
    session: Session,
    shop_id: int,
    *,
    status: ProposalStatus | None = None,
    capability: Capability | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[ProposalPublic]:
    """Newest first, filtered by status and capability."""
    check_page_window(offset, limit, MAX_PAGE)
    where = [ProposalRow.shop_id == shop_id]
    if status is not None:
        where.append(ProposalRow.status == status.value)
    if capability is not None:
        where.append(ProposalRow.capability == capability.value)
    count = session.scalar(select(func.count()).select_from(ProposalRow).where(*where)) or 0
    rows = session.scalars(
        select(ProposalRow)
        .where(*where)
        .order_by(ProposalRow.created_at.desc(), ProposalRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return Page[ProposalPublic](data=[to_public(r) for r in rows], count=count)


def count_waiting(session: Session, shop_id: int) -> int:
    query = select(func.count()).where(
        ProposalRow.shop_id == shop_id, ProposalRow.status == ProposalStatus.PROPOSED.value
    )
    return session.scalar(query) or 0


def _open_row(session: Session, clock: Clock, shop_id: int, proposal_id: int) -> ProposalRow:
    row = _row(session, shop_id, proposal_id)
    if row.status != ProposalStatus.PROPOSED.value:
        raise ConflictError(
            f"proposal {proposal_id} is {row.status}, not waiting for a decision",
            proposal_id=proposal_id,
            status=row.status,
        )
    if row.expires_at is not None and row.expires_at <= clock.now():
        raise ConflictError(
            f"proposal {proposal_id} expired at {row.expires_at.isoformat()}",
            proposal_id=proposal_id,
            status=ProposalStatus.EXPIRED.value,
        )
    return row


def _decide(
    session: Session,
    clock: Clock,
    row: ProposalRow,
    status: ProposalStatus,
    actor: str,
    *,
    reason: str,
    after: dict[str, Any] | None = None,
) -> None:
    """Move a waiting proposal to ``status`` and log the decision as ``proposal.<status>``."""
    row.status = status.value
    row.decided_at = clock.now()
    row.decided_by = actor
    if status is ProposalStatus.APPLIED:
        row.applied_at = row.decided_at
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=row.shop_id,
        actor=actor,
        action=f"proposal.{status.value}",
        target_kind="proposal",
        target_id=str(row.id),
        before={"status": ProposalStatus.PROPOSED.value},
        after={"status": row.status, **(after or {})},
        reason=reason,
    )


def _apply(session: Session, clock: Clock, row: ProposalRow, actor: str) -> None:
    result = APPLIERS[row.kind](session, clock, row, actor)
    row.result = result
    after = {"kind": row.kind, "target": row.target, "result": result}
    _decide(session, clock, row, ProposalStatus.APPLIED, actor, reason=row.summary, after=after)


def approve(
    session: Session, clock: Clock, *, shop_id: int, proposal_id: int, actor: str
) -> ProposalPublic:
    """Approve a waiting proposal and apply it (or mark it approved if its kind has no applier)."""
    row = _open_row(session, clock, shop_id, proposal_id)
    # One savepoint for the group: a sibling its applier refuses leaves every one waiting.
    with session.begin_nested():
        for one in [row, *_decided_with(session, clock, row)]:
            if one.kind in APPLIERS:
                _apply(session, clock, one, actor)
            else:
                _decide(session, clock, one, ProposalStatus.APPROVED, actor, reason=one.summary)
    return to_public(row)


def reject(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    proposal_id: int,
    actor: str,
    reason: str = "",
) -> ProposalPublic:
    row = _open_row(session, clock, shop_id, proposal_id)
    for one in [row, *_decided_with(session, clock, row)]:
        one.result = {"reason": reason} if reason else None
        _decide(session, clock, one, ProposalStatus.REJECTED, actor, reason=reason)
    return to_public(row)


def _decided_with(session: Session, clock: Clock, row: ProposalRow) -> list[ProposalRow]:
    """The other waiting, unexpired proposals that must be decided with ``row``."""
    key = (row.payload or {}).get("decided_with")
    if not key:
        return []
    now = clock.now()
    waiting = session.scalars(
        select(ProposalRow)
        .where(
            ProposalRow.shop_id == row.shop_id,
            ProposalRow.kind == row.kind,
            ProposalRow.status == ProposalStatus.PROPOSED.value,
            ProposalRow.id != row.id,
        )
        .order_by(ProposalRow.id)
    ).all()
    # Filtered here rather than in SQL: JSON lookups differ between SQLite and PostgreSQL,
    # and a shop has few waiting proposals of one kind.
    return [
        other
        for other in waiting
        if (other.payload or {}).get("decided_with") == key
        and (other.expires_at is None or other.expires_at > now)
    ]


def expire_due(session: Session, clock: Clock, shop_id: int) -> int:
    """Mark waiting proposals whose ``expires_at`` has passed as expired; returns how many."""
    now = clock.now()
    result = session.execute(
        update(ProposalRow)
        .where(
            ProposalRow.shop_id == shop_id,
            ProposalRow.status == ProposalStatus.PROPOSED.value,
            ProposalRow.expires_at.is_not(None),
            ProposalRow.expires_at <= now,
        )
        .values(status=ProposalStatus.EXPIRED.value, decided_at=now, decided_by="system")
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def supersede(
    session: Session, clock: Clock, *, shop_id: int, capability: Capability, kinds: tuple[str, ...]
) -> int:
    """Expire the waiting proposals of ``kinds`` a new plan replaces; returns how many.

    A daily plan recomputes every order from today's stock, so yesterday's waiting
    proposals are stale: leaving them would let the owner approve the same need twice.
    """
    now = clock.now()
    rows = session.scalars(
        select(ProposalRow).where(
            ProposalRow.shop_id == shop_id,
            ProposalRow.capability == capability.value,
            ProposalRow.kind.in_(kinds),
            ProposalRow.status == ProposalStatus.PROPOSED.value,
        )
    ).all()
    for row in rows:
        row.result = {"superseded_at": now.isoformat()}
        _decide(
            session, clock, row, ProposalStatus.EXPIRED, "system", reason="replaced by a newer plan"
        )
    return len(rows)


register_applier("price_change", apply_price_change)
register_applier("dynamic_price", apply_price_change)
register_applier("purchase_order", apply_purchase_order)
