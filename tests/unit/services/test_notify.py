"""Owner notification: the waiting badge and the email digest, through a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from shopkeeper.core.errors import ErrorCode, UpstreamError
from shopkeeper.data.database import transaction
from shopkeeper.data.mailer import SmtpMailer
from shopkeeper.data.tables import ShopRow
from shopkeeper.domain.explanation import Explanation
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import notify, proposals
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.smtp import Inbox, free_port, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


def propose(runtime: Runtime, shop: Shop, capability: Capability, summary: str) -> None:
    with transaction(runtime.sessions) as session:
        proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=capability,
            kind="note",
            target=summary,
            summary=summary,
            explanation=Explanation(summary),
            payload={},
        )


def set_notify_email(runtime: Runtime, shop: Shop, address: str | None) -> None:
    with transaction(runtime.sessions) as session:
        session.scalars(select(ShopRow).where(ShopRow.id == shop.id)).one().notify_email = address


def send(runtime: Runtime, shop: Shop, port: int) -> int:
    mailer = SmtpMailer("127.0.0.1", port, sender="shopkeeper@shop.test")
    with transaction(runtime.sessions) as session:
        return notify.notify_owner_by_email(
            session, runtime.clock, mailer, shop_id=shop.id, dashboard_url="http://shop.test/"
        )


@pytest.mark.postgres
def test_waiting_summary_counts_per_capability(runtime: Runtime, shop: Shop) -> None:
    propose(runtime, shop, Capability.PRICING, "Raise TEE-1")
    propose(runtime, shop, Capability.PRICING, "Lower MUG-1")
    propose(runtime, shop, Capability.REPLENISH, "Order 40 TEE-1")
    with runtime.sessions() as session:
        assert notify.waiting_summary(session, shop.id) == {"pricing": 2, "replenish": 1}


@pytest.mark.postgres
def test_digest_sent_once_per_new_batch(
    runtime: Runtime, shop: Shop, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    propose(runtime, shop, Capability.PRICING, "Raise TEE-1 to 22.00")
    assert send(runtime, shop, port) == 0, "no notify_email: nothing is sent"
    assert inbox.messages == []

    set_notify_email(runtime, shop, "owner@shop.test")
    propose(runtime, shop, Capability.REPLENISH, "Order 40 TEE-1")
    assert send(runtime, shop, port) == 2
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert (sender, recipients) == ("shopkeeper@shop.test", ["owner@shop.test"])
    assert message["Subject"] == "[My shop] 2 proposals waiting for you"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "[pricing] Raise TEE-1 to 22.00" in body
    assert "[replenish] Order 40 TEE-1" in body
    assert "http://shop.test/inbox" in body

    assert send(runtime, shop, port) == 0, "same batch: no second email"
    assert len(inbox.messages) == 1

    propose(runtime, shop, Capability.PRICING, "Lower MUG-1 to 8.00")
    assert send(runtime, shop, port) == 1
    assert len(inbox.messages) == 2
    assert inbox.messages[1][2]["Subject"] == "[My shop] 3 proposals waiting for you"


def test_unreachable_server_is_an_upstream_error(runtime: Runtime, shop: Shop) -> None:
    set_notify_email(runtime, shop, "owner@shop.test")
    propose(runtime, shop, Capability.PRICING, "Raise TEE-1")
    with pytest.raises(UpstreamError) as caught:
        send(runtime, shop, free_port())
    assert caught.value.code is ErrorCode.UPSTREAM
    with runtime.sessions() as session:
        assert notify.last_notified_proposal(session, shop.id) == 0
