"""The demo shop's assistant: automatic mode, the FAQ's return rules, the FAQ itself."""

from __future__ import annotations

from sqlalchemy import select

from shopkeeper.ai.support import demo_faq_documents
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import SupportDocumentRow, SupportPolicyRow
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.services.modes import find_setting, set_mode
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.documents import LANGUAGES, replace_documents
from shopkeeper.services.support.policy import SupportPolicy, save_policy

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
