"""The owner's side of competitor matching: list the matches, confirm or reject them.

Confirming writes every price already observed for the competitor's product to the signals
(retroactively) and every later one as it arrives. Rejecting keeps the observations but
writes nothing, and removes the points an earlier confirmation wrote. Both are recorded in
the audit log with who decided.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.core.money import rounded
from shopkeeper.data.tables import CompetitorMatchRow, CompetitorObservationRow, ProductRow
from shopkeeper.domain.competitor_prices import (
    CompetitorMatchPublic,
    MatchCandidatePublic,
    MatchStatus,
)
from shopkeeper.domain.schemas import Page, check_page_window
from shopkeeper.services import audit, competitor_signals

MAX_PAGE = 500
TARGET_KIND = "competitor_match"


def _row(session: Session, shop_id: int, match_id: int) -> CompetitorMatchRow:
    row = session.scalar(
        select(CompetitorMatchRow).where(
            CompetitorMatchRow.shop_id == shop_id, CompetitorMatchRow.id == match_id
        )
    )
    if row is None:
        raise NotFoundError(f"no competitor match {match_id}", match_id=match_id)
    return row


def _public(session: Session, rows: list[CompetitorMatchRow]) -> list[CompetitorMatchPublic]:
    ids = [row.id for row in rows]
    counts: dict[int, int] = {}
    latest: dict[int, CompetitorObservationRow] = {}
    if ids:
        obs = CompetitorObservationRow
        counts = dict(
            session.execute(
                select(obs.match_id, func.count(obs.id))
                .where(obs.match_id.in_(ids))
                .group_by(obs.match_id)
            ).all()
        )
        last_day = (
            select(obs.match_id, func.max(obs.observed_on).label("day"))
            .where(obs.match_id.in_(ids))
            .group_by(obs.match_id)
            .subquery()
        )
        latest = {
            row.match_id: row
            for row in session.scalars(
                select(obs).join(
                    last_day,
                    (obs.match_id == last_day.c.match_id) & (obs.observed_on == last_day.c.day),
                )
            )
        }
    public = []
    for row in rows:
        last = latest.get(row.id)
        public.append(
            CompetitorMatchPublic(
                id=row.id,
                competitor=row.competitor,
                competitor_key=row.competitor_key,
                competitor_sku=row.competitor_sku,
                title=row.title,
                url=row.url,
                status=MatchStatus(row.status),
                sku=row.sku,
                score=row.score,
                reason=row.reason,
                candidates=[MatchCandidatePublic(**c) for c in row.candidates],
                observations=counts.get(row.id, 0),
                # NUMERIC(14, 4) hands back 11.5000: show it as the currency writes it.
                last_price=rounded(last.price, last.currency) if last else None,
                last_currency=last.currency if last else None,
                last_observed_on=last.observed_on if last else None,
                decided_at=row.decided_at,
                decided_by=row.decided_by,
            )
        )
    return public


def list_matches(
    session: Session,
    shop_id: int,
    *,
    status: MatchStatus | None = None,
    competitor: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Page[CompetitorMatchPublic]:
    """A page of matches, newest first, with each one's observation count and latest price."""
    check_page_window(offset, limit, MAX_PAGE)
    conditions = [CompetitorMatchRow.shop_id == shop_id]
    if status is not None:
        conditions.append(CompetitorMatchRow.status == status.value)
    if competitor is not None:
        conditions.append(CompetitorMatchRow.competitor == competitor)
    total = session.scalar(select(func.count(CompetitorMatchRow.id)).where(*conditions)) or 0
    rows = session.scalars(
        select(CompetitorMatchRow)
        .where(*conditions)
        .order_by(CompetitorMatchRow.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return Page[CompetitorMatchPublic](data=_public(session, list(rows)), count=total)


def get_match(session: Session, shop_id: int, match_id: int) -> CompetitorMatchPublic:
    return _public(session, [_row(session, shop_id, match_id)])[0]


def _state(row: CompetitorMatchRow) -> dict[str, Any]:
    return {"status": row.status, "sku": row.sku}


def confirm_match(
    session: Session,
    clock: Clock,
    shop_id: int,
    match_id: int,
    *,
    actor: str,
    sku: str | None = None,
) -> tuple[CompetitorMatchPublic, int]:
    """Confirm that the competitor's product is ``sku`` (default: the suggested one).

    Returns the match and how many signal points its observed prices now make. Confirming
    again is harmless; confirming another sku moves the points to it.
    """
    row = _row(session, shop_id, match_id)
    target = sku or row.sku
    if target is None:
        raise InvalidInputError(
            f"match {match_id} has no suggested product: give the sku of ours it is",
            match_id=match_id,
        )
    exists = session.scalar(
        select(ProductRow.id).where(ProductRow.shop_id == shop_id, ProductRow.sku == target)
    )
    if exists is None:
        raise NotFoundError(f"no product of ours has the sku {target!r}", sku=target)
    before = _state(row)
    if row.status == MatchStatus.CONFIRMED and row.sku != target:
        competitor_signals.remove_prices(session, row)
    row.status, row.sku = MatchStatus.CONFIRMED.value, target
    row.decided_at, row.decided_by = clock.now(), actor
    session.flush()
    written = competitor_signals.write_all_prices(session, clock, row)
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="confirm",
        target_kind=TARGET_KIND,
        target_id=str(match_id),
        before=before,
        after=_state(row),
        reason=f"{row.competitor}: {row.title}"[:500],
    )
    return get_match(session, shop_id, match_id), written


def reject_match(
    session: Session, clock: Clock, shop_id: int, match_id: int, *, actor: str
) -> tuple[CompetitorMatchPublic, int]:
    """Say the competitor's product is not the matched one; returns the match and how many
    signal points an earlier confirmation had written and are now removed."""
    row = _row(session, shop_id, match_id)
    before = _state(row)
    removed = 0
    if row.status == MatchStatus.CONFIRMED:
        removed = competitor_signals.remove_prices(session, row)
    row.status = MatchStatus.REJECTED.value
    row.decided_at, row.decided_by = clock.now(), actor
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="reject",
        target_kind=TARGET_KIND,
        target_id=str(match_id),
        before=before,
        after=_state(row),
        reason=f"{row.competitor}: {row.title}"[:500],
    )
    return get_match(session, shop_id, match_id), removed
