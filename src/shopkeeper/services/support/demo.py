"""The demo shop's assistant: automatic mode, the FAQ's return rules, the FAQ itself."""

from __future__ import annotations

from sqlalchemy import select

from shopkeeper.ai.support import demo_faq_documents
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import (
    ConversationRow,
    CustomerRow,
    OrderRow,
    SupportDocumentRow,
    SupportPolicyRow,
)
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.support import Channel
from shopkeeper.services.modes import find_setting, set_mode
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.conversations import Incoming, SupportDesk
from shopkeeper.services.support.documents import LANGUAGES, replace_documents
from shopkeeper.services.support.policy import SupportPolicy, save_policy
from shopkeeper.services.support.understanding import Understander

# As the demo FAQ says: food and drinks are not taken back.
DEMO_SUPPORT_POLICY = SupportPolicy(
    non_returnable=frozenset({"food", "beverages", "coffee & tea"}),
)


def prepare_demo_support(runtime: Runtime, shop_id: int) -> None:
    """The demo assistant acts on its own, follows the FAQ's return rules and cites it.

    Only what the owner has not set: a re-run keeps their changes.
    """
    with transaction(runtime.sessions) as session:
        if find_setting(session, shop_id, Capability.SUPPORT, "shop") is None:
            set_mode(
                session,
                runtime.clock,
                shop_id=shop_id,
                capability=Capability.SUPPORT,
                mode=CapabilityMode.AUTO,
                actor="demo",
            )
        if (
            session.scalar(select(SupportPolicyRow.id).where(SupportPolicyRow.shop_id == shop_id))
            is None
        ):
            save_policy(session, runtime.clock, shop_id, DEMO_SUPPORT_POLICY, "demo")
        has_documents = session.scalar(
            select(SupportDocumentRow.id).where(SupportDocumentRow.shop_id == shop_id).limit(1)
        )
        if has_documents is None:
            for language in LANGUAGES:
                replace_documents(
                    session, runtime.clock, shop_id, language, demo_faq_documents(language), "demo"
                )


def _customer_of(runtime: Runtime, shop_id: int, status: str) -> tuple[str, str] | None:
    """The newest order in ``status`` with its customer's email, if any."""
    with runtime.sessions() as session:
        found = session.execute(
            select(OrderRow.external_id, CustomerRow.email_enc)
            .join(CustomerRow, CustomerRow.id == OrderRow.customer_id)
            .where(OrderRow.shop_id == shop_id, OrderRow.status == status)
            .order_by(OrderRow.placed_at.desc())
            .limit(1)
        ).first()
    if found is None or found[1] is None:
        return None
    return found[0], runtime.cipher.decrypt(found[1])


def seed_demo_conversations(runtime: Runtime, shop_id: int) -> int:
    """A few customer conversations, so the support pages show something on day one.

    They go through the real assistant (tracking, a policy question, a double charge that
    goes to the queue, a greeting in English); nothing is written by hand. Skipped when the
    shop already has conversations.
    """
    with runtime.sessions() as session:
        if session.scalar(
            select(ConversationRow.id).where(ConversationRow.shop_id == shop_id).limit(1)
        ):
            return 0
    shipped = _customer_of(runtime, shop_id, "shipped")
    delivered = _customer_of(runtime, shop_id, "delivered")
    scripts: list[list[str]] = [
        ["la livraison est gratuite à partir de combien ?", "merci !"],
        ["hello 👋", "how long do I have to return an item?"],
    ]
    if shipped is not None:
        scripts.append([f"slt ou en est ma cmd {shipped[0]} ?", shipped[1], "super merci"])
    if delivered is not None:
        scripts.append(
            [f"j'ai été débité deux fois pour la commande {delivered[0]} !! c'est une arnaque"]
        )
    desk = SupportDesk(runtime, Understander())
    for script in scripts:
        conversation: str | None = None
        for text in script:
            reply = desk.handle(
                Incoming(shop_id, text, Channel.WIDGET, conversation_id=conversation)
            )
            conversation = reply.conversation_id
    return len(scripts)
