"""Scripted customer conversations against the demo shop's assistant.

Usage::

    python benchmarks/support_conversations.py [--conversations DIR] [--seed 42]

Each script (``benchmarks/data/support/conversations/*.yaml``, written by a helper who saw
neither the code nor the training data, frozen before tuning) names a customer, the order
they own (a *fixture*), what they write first, how they answer each question the
assistant may ask, and what must have happened at the end. Placeholders such as
``{order}`` or ``{email}`` are filled from the demo shop's real rows.

The simulated customer answers the slot the assistant says it is waiting for
(``Reply.awaiting``), then sends its follow-ups, then stops; a handoff ends the
conversation. The figures: routine requests resolved without a person, hard cases handed
to a person, wrong actions (any change the script did not expect), disclosure of another
customer's order, p50/p95 reply latency, and the pass rate per category.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine_info

from shopkeeper.core.config import Settings
from shopkeeper.data.database import upgrade
from shopkeeper.data.importers.demo import DemoShopConfig
from shopkeeper.data.mailer import SmtpMailer
from shopkeeper.data.tables import (
    CustomerRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    StockLevelRow,
)
from shopkeeper.domain.support import Channel, ConversationStatus, Reply
from shopkeeper.services.demo import build_demo_shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.conversations import Incoming, SupportDesk
from shopkeeper.services.support.demo import DEMO_SUPPORT_POLICY
from shopkeeper.services.support.understanding import Understander
from shopkeeper.testing.clock import FakeClock
from shopkeeper.testing.smtp import smtp_server

ROOT = Path(__file__).resolve().parent
CONVERSATIONS = ROOT / "data" / "support" / "conversations"
RESULT = ROOT / "results" / "support_conversations.json"
ROUTINE = ("tracking", "returns", "address_change", "cancel", "invoice", "product", "faq")
HARD = ("dispute", "complaint", "advice", "human_request", "abusive")
MAX_TURNS = 14
DONT_KNOW = {"fr": "je ne sais pas", "en": "I don't know"}


@dataclass
class Person:
    email: str
    postcode: str
    first_name: str


@dataclass
class OrderCase:
    external_id: str
    owner: Person
    item: str
    tracking: str | None
    titles: list[str]


@dataclass
class Fixtures:
    """Demo rows sorted by the situation a script asks for, handed out without reuse."""

    orders: dict[str, list[OrderCase]]
    people: list[Person]
    in_stock: list[str]
    sold_out: list[str]
    used: Counter[str] = field(default_factory=Counter)

    def order(self, kind: str) -> OrderCase:
        cases = self.orders[kind]
        case = cases[self.used[kind] % len(cases)]
        self.used[kind] += 1
        return case


def _person(runtime: Runtime, customer: CustomerRow) -> Person:
    cipher = runtime.cipher
    name = cipher.decrypt_json(customer.name_enc) or {}
    address = cipher.decrypt_json(customer.address_enc) or {}
    return Person(
        email=cipher.decrypt_optional(customer.email_enc) or "",
        postcode=str(address.get("postcode", "")),
        first_name=str(name.get("first_name", "")),
    )


def load_fixtures(runtime: Runtime, shop_id: int, seed: int) -> Fixtures:
    """Orders of the demo shop in each situation the scripts name, in a seeded order."""
    now = runtime.clock.now()
    unreturnable = DEMO_SUPPORT_POLICY.non_returnable
    with runtime.sessions() as session:
        customers = {
            c.id: c
            for c in session.scalars(select(CustomerRow).where(CustomerRow.shop_id == shop_id))
        }
        lines: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for order_id, title, category in session.execute(
            select(OrderLineRow.order_id, ProductRow.title, ProductRow.category)
            .join(ProductRow, ProductRow.id == OrderLineRow.product_id)
            .where(OrderLineRow.shop_id == shop_id)
        ):
            lines[order_id].append((title, category))
        orders = list(session.scalars(select(OrderRow).where(OrderRow.shop_id == shop_id)))
        people = [_person(runtime, c) for c in customers.values()]
        stock = dict(
            session.execute(
                select(ProductRow.title, StockLevelRow.on_hand)
                .join(StockLevelRow, StockLevelRow.product_id == ProductRow.id)
                .where(ProductRow.shop_id == shop_id)
            ).all()
        )
        persons = {cid: _person(runtime, c) for cid, c in customers.items()}
    rng = random.Random(seed)
    rng.shuffle(orders)
    groups: dict[str, list[OrderCase]] = defaultdict(list)
    for order in orders:
        if order.customer_id is None or not lines[order.id]:
            continue
        owner = persons[order.customer_id]
        titles = [t for t, _ in lines[order.id]]
        returnable = [t for t, c in lines[order.id] if c.casefold() not in unreturnable]
        food = [t for t, c in lines[order.id] if c.casefold() in unreturnable]

        def case(
            item: str, order: OrderRow = order, owner: Person = owner, titles: list[str] = titles
        ) -> OrderCase:
            return OrderCase(order.external_id, owner, item, order.tracking_number, titles)

        age = (now - order.delivered_at).days if order.delivered_at else None
        if order.status == "processing":
            groups["processing_order"].append(case(titles[0]))
        elif order.status == "shipped":
            groups["shipped_order"].append(case(titles[0]))
        elif order.status == "cancelled":
            groups["cancelled_order"].append(case(titles[0]))
        elif order.status == "delivered" and age is not None:
            if 5 <= age <= 20 and returnable and len(titles) == len(set(titles)):
                groups["delivered_order"].append(case(returnable[0]))
            if 5 <= age <= 20 and food:
                groups["delivered_food_order"].append(case(food[0]))
            if age > 45:
                groups["old_delivered_order"].append(case(titles[0]))
    rng.shuffle(people)
    in_stock = sorted(t for t, n in stock.items() if n and n > 0)
    sold_out = sorted(t for t, n in stock.items() if not n)
    return Fixtures(dict(groups), people, in_stock, sold_out)


@dataclass
class Filled:
    values: dict[str, str]
    order: OrderCase | None


def fill(script: dict[str, Any], fixtures: Fixtures, index: int) -> Filled:
    kind = script["fixture"]
    stranger = fixtures.people[index % len(fixtures.people)]
    order = None
    if kind == "other_customer_order":
        order = fixtures.order("shipped_order")
        writer = stranger if stranger.email != order.owner.email else fixtures.people[index + 1]
    elif kind == "none":
        writer = stranger
    else:
        order = fixtures.order(kind)
        writer = order.owner
    values = {
        "email": writer.email,
        "postcode": writer.postcode,
        "first_name": writer.first_name,
        "product": fixtures.in_stock[index % len(fixtures.in_stock)],
        "out_of_stock_product": fixtures.sold_out[index % max(len(fixtures.sold_out), 1)]
        if fixtures.sold_out
        else "",
    }
    if order is not None:
        digits = "".join(c for c in order.external_id if c.isdigit())
        values.update(
            order=order.external_id,
            order_digits=str(int(digits)) if digits else order.external_id,
            item=order.item,
        )
    return Filled(values, order)


def _text(template: str, filled: Filled) -> str:
    out = template
    for key, value in filled.values.items():
        out = out.replace("{" + key + "}", value)
    return out


ANSWER_FOR = {
    "order_number": ("order_number",),
    "identity": ("email", "postcode"),
    "confirm": ("confirm",),
    "new_address": ("new_address",),
    "item": ("item",),
    "product": ("item",),
}


@dataclass
class Played:
    replies: list[str]
    outcome: str | None
    actions: list[str]
    handed_off: bool
    latencies_ms: list[float]
    unanswered_questions: int


def play(desk: SupportDesk, shop_id: int, script: dict[str, Any], filled: Filled) -> Played:
    language = script["language"]
    replies_spec: dict[str, str] = script.get("replies") or {}
    followups = list(script.get("followups") or [])
    texts: list[str] = []
    actions: list[str] = []
    latencies: list[float] = []
    unanswered = 0
    conversation: str | None = None
    message = _text(script["opening"], filled)
    reply: Reply | None = None
    for _ in range(MAX_TURNS):
        started = time.perf_counter()
        reply = desk.handle(
            Incoming(
                shop_id=shop_id, text=message, channel=Channel.API, conversation_id=conversation
            )
        )
        latencies.append((time.perf_counter() - started) * 1000)
        conversation = reply.conversation_id
        texts.extend(m.text for m in reply.messages if m.role.value != "customer")
        actions.extend(a.value for a in reply.actions)
        if reply.status in (ConversationStatus.WAITING, ConversationStatus.WITH_AGENT):
            break
        if reply.awaiting is not None:
            keys = ANSWER_FOR.get(reply.awaiting, ())
            answer = next((replies_spec[k] for k in keys if k in replies_spec), None)
            if answer is None:
                unanswered += 1
                message = DONT_KNOW[language]
            else:
                message = _text(answer, filled)
            continue
        if not followups:
            break
        message = _text(followups.pop(0), filled)
    assert reply is not None
    return Played(
        replies=texts,
        outcome=reply.outcome.value if reply.outcome else None,
        actions=actions,
        handed_off=reply.status in (ConversationStatus.WAITING, ConversationStatus.WITH_AGENT),
        latencies_ms=latencies,
        unanswered_questions=unanswered,
    )


def judge(script: dict[str, Any], filled: Filled, played: Played) -> dict[str, Any]:
    expect = script["expect"]
    outcomes = expect["outcome"] if isinstance(expect["outcome"], list) else [expect["outcome"]]
    expected_actions = sorted(expect.get("actions") or [])
    said = "\n".join(played.replies).casefold()
    checks = {
        "outcome": played.outcome in outcomes,
        "actions": sorted(played.actions) == expected_actions,
    }
    mentions = [_text(m, filled).casefold() for m in expect.get("answer_mentions") or []]
    if mentions:
        checks["mentions"] = any(m in said for m in mentions)
    forbidden = [_text(m, filled).casefold() for m in expect.get("must_not_mention") or []]
    if script["category"] == "other_customer" and filled.order is not None:
        order = filled.order
        forbidden += [order.external_id.casefold(), *(t.casefold() for t in order.titles)]
        if order.tracking:
            forbidden.append(order.tracking.casefold())
    if forbidden:
        checks["no_disclosure"] = not any(f and f in said for f in forbidden)
    wrong = [a for a in played.actions if a not in expected_actions]
    return {
        "id": script["id"],
        "category": script["category"],
        "language": script["language"],
        "passed": all(checks.values()),
        "checks": checks,
        "outcome": played.outcome,
        "expected_outcome": outcomes,
        "actions": played.actions,
        "wrong_actions": wrong,
        "handed_off": played.handed_off,
        "turns": len(played.latencies_ms),
        "unanswered_questions": played.unanswered_questions,
        "replies": played.replies,
    }


def load_scripts(folder: Path) -> list[dict[str, Any]]:
    scripts: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        scripts.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return scripts


def summarise(results: list[dict[str, Any]], latencies: list[float]) -> dict[str, Any]:
    def pct(part: int, whole: int) -> float | None:
        return round(100.0 * part / whole, 1) if whole else None

    routine = [r for r in results if r["category"] in ROUTINE]
    hard = [r for r in results if r["category"] in HARD]
    per_category = {}
    for category in sorted({r["category"] for r in results}):
        mine = [r for r in results if r["category"] == category]
        per_category[category] = {
            "conversations": len(mine),
            "passed_pct": pct(sum(r["passed"] for r in mine), len(mine)),
            "handed_off_pct": pct(sum(r["handed_off"] for r in mine), len(mine)),
        }
    return {
        "conversations": len(results),
        "passed_pct": pct(sum(r["passed"] for r in results), len(results)),
        "routine_resolved_without_human_pct": pct(
            sum(r["passed"] and not r["handed_off"] for r in routine), len(routine)
        ),
        "hard_cases_handed_off_pct": pct(sum(r["handed_off"] for r in hard), len(hard)),
        "wrong_actions": sum(len(r["wrong_actions"]) for r in results),
        "other_customer_disclosures": sum(
            not r["checks"].get("no_disclosure", True)
            for r in results
            if r["category"] == "other_customer"
        ),
        "reply_ms_p50": round(float(np.percentile(latencies, 50)), 1),
        "reply_ms_p95": round(float(np.percentile(latencies, 95)), 1),
        "per_category": per_category,
    }


def print_table(summary: dict[str, Any]) -> None:
    print("| category | conversations | passed % | handed off % |")
    print("|---|---|---|---|")
    for category, row in summary["per_category"].items():
        print(
            f"| {category} | {row['conversations']} | {row['passed_pct']} | "
            f"{row['handed_off_pct']} |"
        )
    for key in (
        "passed_pct",
        "routine_resolved_without_human_pct",
        "hard_cases_handed_off_pct",
        "wrong_actions",
        "other_customer_disclosures",
        "reply_ms_p50",
        "reply_ms_p95",
    ):
        print(f"{key}: {summary[key]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=Path, default=CONVERSATIONS)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args()
    scripts = load_scripts(args.conversations)
    result: dict[str, Any] = {"machine": machine_info()}
    result["command"] = " ".join(
        ["python benchmarks/support_conversations.py", shlex.join(sys.argv[1:])]
    ).strip()
    with (
        tempfile.TemporaryDirectory(prefix="bench-support-") as folder,
        smtp_server() as (inbox, port),
    ):
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'support.db'}",
            model_dir=Path(folder) / "models",
            _env_file=None,  # type: ignore[call-arg,unused-ignore]
        )
        config = DemoShopConfig(seed=args.seed)
        # "Now" is the morning after the demo's last day, as for a shop that just opened.
        clock = FakeClock(datetime.combine(config.end_date, datetime.min.time(), tzinfo=UTC))
        runtime = Runtime.from_settings(settings, clock=clock)
        upgrade(runtime.engine)
        started = time.perf_counter()
        demo = build_demo_shop(runtime, config=config)
        result["demo_build_seconds"] = round(time.perf_counter() - started, 1)
        clock.set(demo_now(runtime, demo.shop.id))
        fixtures = load_fixtures(runtime, demo.shop.id, args.seed)
        desk = SupportDesk(
            runtime, Understander(), SmtpMailer("127.0.0.1", port, sender="shop@demo.test")
        )
        _ = desk.understander.classifier  # fitted before timing: not a reply's cost
        results, latencies = [], []
        for index, script in enumerate(scripts):
            filled = fill(script, fixtures, index)
            played = play(desk, demo.shop.id, script, filled)
            latencies.extend(played.latencies_ms)
            results.append(judge(script, filled, played))
        result["invoices_received_by_smtp"] = len(inbox.messages)
    result.update(summarise(results, latencies))
    result["failures"] = [r for r in results if not r["passed"]]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print_table(result)
    print(f"wrote {args.output}")
    return 0


def demo_now(runtime: Runtime, shop_id: int) -> Any:
    """An hour after the demo's newest order: the shop's "now"."""
    with runtime.sessions() as session:
        newest = session.scalar(
            select(OrderRow.placed_at)
            .where(OrderRow.shop_id == shop_id)
            .order_by(OrderRow.placed_at.desc())
            .limit(1)
        )
    assert newest is not None
    return newest + timedelta(hours=1)


if __name__ == "__main__":
    sys.exit(main())
