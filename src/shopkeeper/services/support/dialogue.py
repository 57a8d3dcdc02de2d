"""One turn of the conversation: from an understood message to replies, actions, handoffs.

The rules a shop owner would give a new employee, written down:

- Nothing about an order is said or changed before the customer gave its number and the
  email address (or delivery postcode) that goes with it. A mismatch says only that the
  details do not match, never whether the order exists; the second one goes to a person.
- A change (cancel, new address, return) is described and applied only after a "yes".
- Disputes, complaints, advice, account matters, insults and explicit requests go to a
  person, as does whatever the assistant failed to understand three times in a row.
- When the support capability is in ``suggest`` mode, or an action type is switched off,
  the assistant prepares the change and a person applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shopkeeper.ai.support import FaqAnswer
from shopkeeper.ai.support.confirmation import yes_or_no
from shopkeeper.domain.proposals import CapabilityMode
from shopkeeper.domain.support import Outcome, SupportAction
from shopkeeper.services.support import orders_desk
from shopkeeper.services.support.desk import Desk
from shopkeeper.services.support.orders_desk import OrderFacts
from shopkeeper.services.support.replies import say
from shopkeeper.services.support.state import DialogueState
from shopkeeper.services.support.understanding import Understanding

ORDER_TASKS = frozenset(
    {"order_status", "return_request", "change_address", "cancel_order", "invoice"}
)
HUMAN_INTENTS = frozenset({"complaint", "dispute", "advice", "human_agent", "account"})
# What to ask again when an answer did not come.
QUESTION_FOR = {
    "order_number": "ask_order_number",
    "identity": "ask_identity",
    "new_address": "ask_new_address",
    "confirm": "ask_confirm_again",
    "product": "ask_product",
}
MAX_MISUNDERSTOOD = 3
# Two questions in one message get two answers; more would drown the customer.
MAX_FAQ_ANSWERS = 2
# A question this short leans on the one before it.
SHORT_QUESTION_WORDS = 4
MAX_MISMATCHES = 2
# A message answering a question is not also read as a new request unless it says so
# clearly: "trop petit" after "which item?" is a reason, not a complaint.
SWITCH_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class Handoff:
    reason: str
    priority: str


@dataclass
class Turn:
    """What one customer message led to."""

    replies: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    actions: list[SupportAction] = field(default_factory=list)
    handoff: Handoff | None = None


def _day(moment: datetime, language: str) -> str:
    return f"{moment:%d/%m/%Y}" if language == "fr" else f"{moment:%d %b %Y}"


class _Turn:
    def __init__(self, state: DialogueState, desk: Desk, heard: Understanding) -> None:
        self.state = state
        self.desk = desk
        self.heard = heard
        self.turn = Turn()

    # -- saying things ---------------------------------------------------------------

    def say(self, key: str, **values: object) -> None:
        self.turn.replies.append(say(key, self.state.language, **values))

    def ask(self, slot: str, key: str | None = None, **values: object) -> None:
        self.state.awaiting = slot
        self.say(key or QUESTION_FOR[slot], **values)

    def done(self, outcome: Outcome, key: str, **values: object) -> None:
        self.say(key, **values)
        self.turn.outcome = outcome
        self.state.start(None)

    def hand_off(self, reason: str, priority: str | None = None, key: str = "handoff") -> None:
        self.say(key)
        level = priority or self.heard.tone.priority
        self.turn.handoff = Handoff(reason, level)
        self.turn.outcome = Outcome.HANDOFF
        self.state.start(None)

    # -- reading the message -----------------------------------------------------------

    def absorb(self) -> None:
        """Keep every detail the message gives, asked for or not."""
        slots = self.state.slots
        for kind in ("order_number", "email", "postcode"):
            value = self.heard.first(kind)
            if value and slots.get(kind) != value:
                slots[kind] = value
                if kind == "order_number":
                    # A different order needs its own proof of identity.
                    self.state.verified_order = None
        if (address := self.heard.first("address")) is not None:
            slots["new_address"] = address
        if (product := self.heard.first("product")) is not None:
            slots["product"] = product

    def answered(self) -> bool:
        """Whether the message answers what the assistant asked last."""
        slots, awaiting, text = self.state.slots, self.state.awaiting, self.heard.text
        if awaiting == "order_number":
            return "order_number" in slots
        if awaiting == "identity":
            return "email" in slots or "postcode" in slots
        if awaiting == "confirm":
            answer = yes_or_no(text)
            if answer is not None:
                slots["confirm"] = "yes" if answer else "no"
            return answer is not None
        if awaiting == "new_address":
            if (
                "new_address" not in slots
                and any(c.isdigit() for c in text)
                and len(text.split()) >= 3
            ):
                slots["new_address"] = text.strip()
            return "new_address" in slots
        if awaiting in ("item", "product"):
            slots.setdefault("product", text.strip())
            return True
        return False

    # -- the turn ------------------------------------------------------------------------

    def run(self) -> Turn:
        heard, state = self.heard, self.state
        if heard.tone.abusive:
            self.hand_off("abusive", "high", key="handoff_abusive")
            return self.turn
        self.absorb()
        if state.awaiting is not None and state.task is not None:
            if self.answered():
                state.awaiting = None
                state.misunderstood = 0
                self.proceed()
                return self.turn
            if not (heard.confident and heard.confidence >= SWITCH_CONFIDENCE):
                return self.not_understood()
        self.route(heard.intent)
        return self.turn

    def not_understood(self) -> Turn:
        self.state.misunderstood += 1
        if self.state.misunderstood >= MAX_MISUNDERSTOOD:
            self.hand_off("not_understood")
            return self.turn
        awaiting = self.state.awaiting or "order_number"
        question = say(QUESTION_FOR.get(awaiting, "ask_order_number"), self.state.language)
        if awaiting == "item" and self.state.task == "return_request":
            question = say("ask_item", self.state.language, items="")
        self.say("not_understood", question=question)
        return self.turn

    def route(self, intent: str) -> None:
        if intent in HUMAN_INTENTS:
            self.hand_off(intent)
        elif intent in ORDER_TASKS:
            if self.state.task != intent:
                self.state.start(intent)
                self.absorb()
            self.proceed()
        elif intent == "product_question":
            self.state.start("product_question")
            self.absorb()
            self.proceed()
        elif intent == "faq":
            self.faq()
        elif intent == "greeting":
            self.say("greeting")
        elif intent == "goodbye":
            self.say("goodbye")
            self.state.start(None)
        else:
            self.done(Outcome.DECLINED, "out_of_scope")

    def proceed(self) -> None:
        task = self.state.task
        if task == "product_question":
            self.product()
            return
        order = self.verified_order()
        if order is None or task is None:
            return
        handlers = {
            "order_status": self.status,
            "invoice": self.invoice,
            "cancel_order": self.cancel,
            "change_address": self.address,
            "return_request": self.return_item,
        }
        handlers[task](order)

    # -- identity ------------------------------------------------------------------------

    def verified_order(self) -> OrderFacts | None:
        """The order of the conversation once its customer proved who they are."""
        state, desk = self.state, self.desk
        reference = state.slots.get("order_number")
        if reference is None:
            self.ask("order_number")
            return None
        found = orders_desk.find_order(desk.session, desk.shop.id, reference)
        if found is not None and found.external_id == state.verified_order:
            return orders_desk.order_facts(desk.session, desk.cipher, found)
        email, postcode = state.slots.get("email"), state.slots.get("postcode")
        if email is None and postcode is None:
            self.ask("identity")
            return None
        if found is None or not orders_desk.verify(
            desk.session, desk.cipher, found, email=email, postcode=postcode
        ):
            state.mismatches += 1
            for slot in ("order_number", "email", "postcode"):
                state.slots.pop(slot, None)
            if state.mismatches >= MAX_MISMATCHES:
                self.hand_off("identity_not_verified")
            else:
                self.say("identity_mismatch")
                state.awaiting = "order_number"
            return None
        state.verified_order = found.external_id
        state.mismatches = 0
        return orders_desk.order_facts(desk.session, desk.cipher, found)

    # -- tasks ---------------------------------------------------------------------------

    def status(self, order: OrderFacts) -> None:
        lang, policy = self.state.language, self.desk.policy
        values: dict[str, object] = {
            "order": order.external_id,
            "carrier": order.carrier or "-",
            "tracking": order.tracking_number or "-",
        }
        if order.status in ("pending", "processing"):
            ships = orders_desk.business_days_after(self.desk.clock.now(), policy.handling_days)
            key = "status_processing"
            start = ships
            values["ships_by"] = _day(datetime.combine(ships, datetime.min.time()), lang)
        elif order.status == "shipped":
            key = "status_shipped"
            start = (order.shipped_at or order.placed_at).date()
            values["shipped"] = _day(order.shipped_at or order.placed_at, lang)
        elif order.status == "delivered":
            delivered = order.delivered_at or order.shipped_at or order.placed_at
            self.done(
                Outcome.RESOLVED, "status_delivered", delivered=_day(delivered, lang), **values
            )
            return
        elif order.status in ("cancelled", "returned"):
            self.done(Outcome.RESOLVED, f"status_{order.status}", **values)
            return
        else:
            self.done(Outcome.RESOLVED, "status_other", status=order.status, **values)
            return
        first = orders_desk.business_days_after(start, policy.delivery_days_min)
        last = orders_desk.business_days_after(start, policy.delivery_days_max)
        values["arrives_from"] = _day(datetime.combine(first, datetime.min.time()), lang)
        values["arrives_to"] = _day(datetime.combine(last, datetime.min.time()), lang)
        self.done(Outcome.RESOLVED, key, **values)

    def may(self, action: SupportAction) -> bool:
        """Whether the assistant applies ``action`` itself; otherwise a person will."""
        if self.desk.mode is CapabilityMode.AUTO and self.desk.policy.allows(action):
            return True
        self.hand_off(f"needs_person:{action.value}")
        return False

    def confirmed(self, key: str, **values: object) -> bool | None:
        """``True`` once the customer said yes, ``False`` for no, ``None`` while asking."""
        answer = self.state.slots.pop("confirm", None)
        if answer is None:
            self.ask("confirm", key, **values)
            return None
        if answer == "no":
            self.done(Outcome.RESOLVED, "nothing_changed")
            return False
        return True

    def invoice(self, order: OrderFacts) -> None:
        if not self.may(SupportAction.INVOICE):
            return
        if not self.desk.send_invoice(order):
            self.hand_off("invoice_not_sent")
            return
        self.turn.actions.append(SupportAction.INVOICE)
        self.done(Outcome.RESOLVED, "invoice_done", order=order.external_id)

    def cancel(self, order: OrderFacts) -> None:
        values = {"order": order.external_id, "total": f"{order.total} {order.currency}"}
        if order.status == "cancelled":
            self.done(Outcome.RESOLVED, "cancel_already", **values)
            return
        if order.status not in ("pending", "processing"):
            self.done(Outcome.DECLINED, "cancel_too_late", **values)
            return
        if self.confirmed("cancel_confirm", **values) and self.may(SupportAction.CANCEL):
            desk = self.desk
            orders_desk.cancel(desk.session, desk.clock, desk.cipher, desk.shop, order, desk.actor)
            self.turn.actions.append(SupportAction.CANCEL)
            self.done(Outcome.RESOLVED, "cancel_done", **values)

    def address(self, order: OrderFacts) -> None:
        if order.status not in ("pending", "processing"):
            self.done(Outcome.DECLINED, "address_too_late", order=order.external_id)
            return
        typed = self.state.slots.get("new_address")
        if typed is None:
            self.ask("new_address")
            return
        country = order.address.country if order.address else None
        address = orders_desk.parse_address(typed, country)
        shown = ", ".join(p for p in (address.line1, address.postcode, address.city) if p)
        if self.confirmed("address_confirm", order=order.external_id, address=shown) and self.may(
            SupportAction.ADDRESS
        ):
            desk = self.desk
            orders_desk.change_address(
                desk.session, desk.clock, desk.cipher, desk.shop, order, address, desk.actor
            )
            self.turn.actions.append(SupportAction.ADDRESS)
            self.done(Outcome.RESOLVED, "address_done", order=order.external_id, address=shown)

    def return_item(self, order: OrderFacts) -> None:
        desk, policy, lang = self.desk, self.desk.policy, self.state.language
        if order.status not in ("delivered", "returned"):
            self.done(Outcome.DECLINED, "return_not_delivered", order=order.external_id)
            return
        delivered = order.delivered_at or order.shipped_at or order.placed_at
        age = orders_desk.days_since(delivered, desk.clock.now())
        if age > policy.return_window_days:
            self.done(
                Outcome.DECLINED,
                "return_window_over",
                order=order.external_id,
                delivered=_day(delivered, lang),
                days=policy.return_window_days,
            )
            return
        line = orders_desk.pick_line(order.lines, self.state.slots.get("product"))
        if line is None:
            self.state.slots.pop("product", None)
            titles = " / ".join(f"« {ln.title} »" for ln in order.lines)
            self.ask("item", "ask_item", items=titles)
            return
        if not policy.returnable(line.category):
            self.done(Outcome.DECLINED, "return_not_returnable", item=line.title)
            return
        existing = orders_desk.open_return_for(desk.session, order, line)
        if existing is not None:
            self.done(
                Outcome.RESOLVED, "return_already", item=line.title, label=existing.label_reference
            )
            return
        if self.confirmed("return_confirm", item=line.title, order=order.external_id) and self.may(
            SupportAction.RETURN
        ):
            row = orders_desk.open_return(
                desk.session,
                desk.clock,
                order,
                line,
                shop_id=desk.shop.id,
                reason=self.state.slots.get("reason", ""),
                conversation_id=desk.conversation_id,
                actor=desk.actor,
            )
            self.turn.actions.append(SupportAction.RETURN)
            self.done(Outcome.RESOLVED, "return_done", label=row.label_reference)

    def product(self) -> None:
        name = self.state.slots.get("product")
        if name is None:
            self.ask("product")
            return
        found = self.desk.find_product(name)
        if found is None:
            self.done(Outcome.DECLINED, "product_unknown")
            return
        _, facts = found
        key = "product_in_stock" if facts.sellable else "product_out_of_stock"
        price = f"{facts.price:.2f} {self.desk.shop.currency}"
        details = f" ({facts.brand})" if facts.brand else ""
        self.done(Outcome.RESOLVED, key, title=facts.title, price=price, details=details)

    def faq(self) -> None:
        """Answer each question of the message from the FAQ, in the light of the last one.

        "Vous livrez en Suisse ? ça coûte combien ?" holds two questions; "et il y a des
        frais de douane ?" after an answer about Switzerland means Swiss customs.
        """
        answers: list[FaqAnswer] = []
        previous = ""
        for question in questions_in(self.heard.text):
            # "c'est combien ?" after "vous livrez en Belgique ?" asks about Belgium.
            if previous and len(question.split()) <= SHORT_QUESTION_WORDS:
                question = f"{previous} {question}"
            previous = question
            found = self.desk.answer_from_faq(question)
            if found is None and self.state.last_question:
                found = self.desk.answer_from_faq(f"{self.state.last_question} {question}")
            if found is not None and found not in answers:
                answers.append(found)
        if not answers:
            self.hand_off("unanswered_question")
            return
        self.state.last_question = self.heard.text
        for found in answers[:MAX_FAQ_ANSWERS]:
            self.say("faq_answer", answer=found.answer, source=found.source, heading=found.heading)
        self.turn.outcome = Outcome.RESOLVED
        self.state.start(None)


def questions_in(text: str) -> list[str]:
    """The questions of a message, split at question marks; the whole text when none.

    Examples
    --------
    >>> questions_in("Vous livrez en Suisse ? ça coûte combien ?")
    ['Vous livrez en Suisse ?', 'ça coûte combien ?']
    >>> questions_in("livraison gratuite")
    ['livraison gratuite']
    """
    if "?" not in text:
        return [text]
    parts = [p.strip() + " ?" for p in text.split("?") if len(p.split()) >= 2]
    return parts or [text]


def take_turn(state: DialogueState, desk: Desk, heard: Understanding) -> Turn:
    """Run one turn: ``state`` is updated in place; the result says what to send and do."""
    state.language = heard.language
    return _Turn(state, desk, heard).run()
