"""Telling the owner that proposals wait: a dashboard badge and an email digest.

The digest goes out at most once per new batch: the audit log remembers the newest
proposal each digest covered, and the next digest is sent only when a newer one waits.
"""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.mailer import Mailer
from shopkeeper.data.tables import AuditLogRow, ProposalRow, ShopRow
from shopkeeper.domain.proposals import ProposalStatus
from shopkeeper.services import audit

NOTIFIED_ACTION = "owner.notified"
DIGEST_LINES = 20


def waiting_summary(session: Session, shop_id: int) -> dict[str, int]:
    """Number of proposals waiting for a decision, per capability (only non-zero ones)."""
    query = (
        select(ProposalRow.capability, func.count())
        .where(
            ProposalRow.shop_id == shop_id,
            ProposalRow.status == ProposalStatus.PROPOSED.value,
        )
        .group_by(ProposalRow.capability)
        .order_by(ProposalRow.capability)
    )
    return {capability: int(count) for capability, count in session.execute(query)}


def last_notified_proposal(session: Session, shop_id: int) -> int:
    """Id of the newest proposal the last digest covered (0 if none was sent)."""
    row = session.scalar(
        select(AuditLogRow)
        .where(AuditLogRow.shop_id == shop_id, AuditLogRow.action == NOTIFIED_ACTION)
        .order_by(AuditLogRow.id.desc())
        .limit(1)
    )
    if row is None or not row.after:
        return 0
    return int(row.after.get("last_proposal_id", 0))


def build_digest(
    shop_name: str, waiting: list[ProposalRow], new_count: int, dashboard_url: str | None
) -> EmailMessage:
    message = EmailMessage()
    plural = "s" if len(waiting) != 1 else ""
    message["Subject"] = f"[{shop_name}] {len(waiting)} proposal{plural} waiting for you"
    lines = [
        f"{new_count} new proposal{'s' if new_count != 1 else ''} since the last email; "
        f"{len(waiting)} in all wait for your decision.",
        "",
    ]
    lines += [f"- [{p.capability}] {p.summary}" for p in waiting[:DIGEST_LINES]]
    if len(waiting) > DIGEST_LINES:
        lines.append(f"... and {len(waiting) - DIGEST_LINES} more.")
    if dashboard_url:
        lines += ["", f"Review them in the Inbox: {dashboard_url.rstrip('/')}/inbox"]
    lines += ["", "Nothing is applied until you approve it (unless the capability is on auto)."]
    message.set_content("\n".join(lines))
    return message


def notify_owner_by_email(
    session: Session,
    clock: Clock,
    mailer: Mailer,
    *,
    shop_id: int,
    dashboard_url: str | None = None,
) -> int:
    """Email the owner one digest if proposals arrived since the last one.

    Returns the number of new proposals the email announced (0: nothing was sent, either
    because nothing new waits or because the shop has no ``notify_email``).
    """
    shop = session.get(ShopRow, shop_id)
    if shop is None:
        raise NotFoundError(f"no shop with id {shop_id}", shop_id=shop_id)
    if not shop.notify_email:
        return 0
    waiting = list(
        session.scalars(
            select(ProposalRow)
            .where(
                ProposalRow.shop_id == shop_id,
                ProposalRow.status == ProposalStatus.PROPOSED.value,
            )
            .order_by(ProposalRow.id.desc())
        )
    )
    since = last_notified_proposal(session, shop_id)
    new = [p for p in waiting if p.id > since]
    if not new:
        return 0
    message = build_digest(shop.name, waiting, len(new), dashboard_url)
    message["From"] = mailer.sender
    message["To"] = shop.notify_email
    mailer.send(message)
    # Recorded only after the send succeeded, so a failed send is retried next time.
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor="system",
        action=NOTIFIED_ACTION,
        target_kind="shop",
        target_id=str(shop_id),
        after={
            "last_proposal_id": max(p.id for p in new),
            "new": len(new),
            "waiting": len(waiting),
            "to": shop.notify_email,
        },
    )
    session.flush()
    return len(new)
