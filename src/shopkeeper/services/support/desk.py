"""Everything one turn of the dialogue may use: the shop's data, rules, mail and FAQ."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.ai.support import FaqAnswer, FaqRetriever
from shopkeeper.core.clock import Clock
from shopkeeper.data.mailer import Mailer
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import ProductRow
from shopkeeper.domain.proposals import CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services.recommend_rules_apply import ProductFacts
from shopkeeper.services.recommend_rules_context import read_product_facts
from shopkeeper.services.support.orders_desk import OrderFacts
from shopkeeper.services.support.policy import SupportPolicy

# A FAQ passage scoring below this does not answer the question: a person will.
FAQ_MIN_SCORE = 0.35
PRODUCT_MIN_SCORE = 70.0


@dataclass
class Desk:
    """The collaborators of one turn, inside the caller's transaction."""

    session: Session
    clock: Clock
    cipher: PiiCipher
    shop: Shop
    policy: SupportPolicy
    mode: CapabilityMode
    conversation_id: int | None
    mailer: Mailer | None
    faq: FaqRetriever | None
    product_titles: tuple[str, ...]
    actor: str

    def find_product(self, name: str) -> tuple[str, ProductFacts] | None:
        """The catalogue product best matching ``name``, with its facts, or ``None``."""
        best = process.extractOne(
            name, self.product_titles, scorer=fuzz.WRatio, score_cutoff=PRODUCT_MIN_SCORE
        )
        if best is None:
            return None
        title = best[0]
        sku = self.session.scalar(
            select(ProductRow.sku)
            .where(ProductRow.shop_id == self.shop.id, ProductRow.title == title)
            .limit(1)
        )
        if sku is None:
            return None
        facts = read_product_facts(self.session, self.shop.id, [sku]).get(sku)
        return (sku, facts) if facts is not None else None

    def answer_from_faq(self, question: str) -> FaqAnswer | None:
        if self.faq is None:
            return None
        found = self.faq.search(question, k=1)
        return found[0] if found and found[0].score >= FAQ_MIN_SCORE else None

    def send_invoice(self, order: OrderFacts) -> bool:
        """Email the order's invoice to its customer; ``False`` when that cannot be done."""
        if self.mailer is None or not order.email:
            return False
        message = EmailMessage()
        message["To"] = order.email
        message["Subject"] = f"{self.shop.name} - invoice {order.external_id}"
        lines = [f"{line.quantity} x {line.title} ({line.sku})" for line in order.lines]
        message.set_content(
            "\n".join(
                [
                    f"Invoice for order {order.external_id}",
                    f"Placed on {order.placed_at:%Y-%m-%d}",
                    "",
                    *lines,
                    "",
                    f"Total: {order.total} {order.currency}",
                ]
            )
        )
        self.mailer.send(message)
        return True


def shop_product_titles(session: Session, shop_id: int) -> tuple[str, ...]:
    """Every active product title of the shop, for entity extraction and product search."""
    titles = session.scalars(
        select(ProductRow.title).where(ProductRow.shop_id == shop_id, ProductRow.status == "active")
    )
    return tuple(dict.fromkeys(titles))
