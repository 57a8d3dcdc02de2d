"""The audit log: every applied change, who made it, and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.data.tables import AuditLogRow


def record(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Append one audit row in the caller's transaction, so it commits with the change."""
    session.add(
        AuditLogRow(
            shop_id=shop_id,
            actor=actor,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            before=before,
            after=after,
            reason=reason,
            occurred_at=clock.now(),
        )
    )


def recent(
    session: Session, shop_id: int, limit: int = 50, *, target_kind: str | None = None
) -> list[AuditLogRow]:
    """Newest first; ``target_kind`` keeps one kind of target (e.g. ``"capability"``)."""
    query = select(AuditLogRow).where(AuditLogRow.shop_id == shop_id)
    if target_kind is not None:
        query = query.where(AuditLogRow.target_kind == target_kind)
    query = query.order_by(AuditLogRow.occurred_at.desc(), AuditLogRow.id.desc()).limit(limit)
    return list(session.scalars(query))
