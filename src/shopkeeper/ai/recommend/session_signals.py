"""Session signals: how much each item of a live session says about what the visitor wants.

A view is not just a view: a page left within seconds is a miss, one read for a minute is
interest, an item put in the cart and taken out again is a "no". :class:`LiveSession` folds
a session's steps one at a time (:meth:`LiveSession.update`, no refit) into one interest
weight per item, the cart and the recent searches, and turns them into a weighted
:class:`SessionQuery` for the session recommenders. Everything here is a pure function of
the steps: folding them one by one equals building from all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from shopkeeper.ai.recommend.sessions import SessionQuery
from shopkeeper.domain.events import EventType
from shopkeeper.domain.explanation import Explanation, Factor

# --- The weighting rules. Factors multiply; an item touched once without signals is 1.0. --
# Visible time under 3 s: the visitor saw the page and left, most likely not what they
# wanted. Halved rather than zeroed: they still chose to open it.
BOUNCE_MS = 3_000
BOUNCE_FACTOR = 0.5
# Half a minute of visible time on one item means the visitor read it: clear interest.
LONG_DWELL_MS = 30_000
LONG_DWELL_FACTOR = 1.5
# Each view after the first adds 0.3: coming back to an item is interest. Capped at +0.9
# (three returns) so back-and-forth comparing or reloads cannot swamp every other signal.
REPEAT_BONUS = 0.3
MAX_REPEAT_BONUS = 0.9
# Putting an item in the cart is the strongest intent a visitor shows before paying; a
# purchase is as strong, and seeds complements ("goes with what you bought").
CART_FACTOR = 2.0
PURCHASE_FACTOR = 2.0
# Added, then taken out: an explicit "not this one", so it weighs less than a plain view.
REMOVED_FACTOR = 0.3
# Resting the pointer on the price or the buy button: considering it, a mild plus.
HESITATION_FACTOR = 1.2
# Scrolling to the last quarter of a product page means the details were read.
DEEP_SCROLL_PCT = 75.0
DEEP_SCROLL_FACTOR = 1.2
# The first few items opened after a search were sought on purpose, not stumbled upon.
SEARCH_FACTOR = 1.3
SEARCH_REACH = 3
MAX_SEARCHES = 5
# A cart left untouched this long without a checkout counts as abandoned.
ABANDONED_AFTER_S = 30 * 60.0

_FACTORS = {
    "purchased": PURCHASE_FACTOR,
    "in_cart": CART_FACTOR,
    "removed": REMOVED_FACTOR,
    "long_dwell": LONG_DWELL_FACTOR,
    "bounced": BOUNCE_FACTOR,
    "searched": SEARCH_FACTOR,
    "deep_scroll": DEEP_SCROLL_FACTOR,
    "hesitated": HESITATION_FACTOR,
}

# EventType values as plain strings: comparing with an enum member costs a class attribute
# lookup each time, and a session is folded on every recommendation request.
_VIEW, _ADD, _REMOVE, _SEARCH = "view", "add_to_cart", "remove_from_cart", "search"
_SCROLL, _HESITATION, _CHECKOUT, _PURCHASE = "scroll", "hesitation", "checkout_start", "purchase"
# Steps that bring an item to the front of the session's order (what the visitor is on now).
_TOUCHES = frozenset({_VIEW, _ADD, EventType.CLICK.value, EventType.RECOMMENDATION_CLICK.value})
# Steps the visitor took with an item; others (an impression: what the shop showed) say
# nothing of their interest and leave the state as it was.
_ITEM_STEPS = _TOUCHES | {_REMOVE, _PURCHASE, _HESITATION, _SCROLL}


@dataclass(frozen=True, slots=True)
class SessionStep:
    """One interaction of a live session (mirrors the live session store's records)."""

    type: str
    at: float
    sku: str | None = None
    dwell_ms: int | None = None
    query: str | None = None
    quantity: int | None = None
    scroll_pct: float | None = None
    region: str | None = None  # where the visitor is, when the storefront says


@dataclass(frozen=True, slots=True)
class Signal:
    """An item's interest weight, the reasons behind it (codes) and its phrase in words."""

    sku: str
    weight: float
    reasons: tuple[str, ...]
    search: str | None = None
    views: int = 0

    def describe(self, name: str | None = None) -> str:
        """Why the item counts, addressed to the visitor; ``name`` replaces the sku."""
        shown = name or self.sku
        phrases = {
            "purchased": f"you bought {shown}",
            "in_cart": f"you put {shown} in your cart",
            "long_dwell": f"you looked at {shown} for a while",
            "repeat_views": f"you came back to {shown} {self.views} times",
            "searched": f'you found {shown} searching "{self.search}"',
            "deep_scroll": f"you read all about {shown}",
            "hesitated": f"you considered {shown}",
        }
        for code in phrases:
            if code in self.reasons:
                return phrases[code]
        return f"you viewed {shown}"


@dataclass
class _Item:
    views: int = 0
    dwell_ms: int | None = None
    cart: int = 0
    removed: bool = False
    purchased: bool = False
    hesitated: bool = False
    scroll_pct: float = 0.0
    search: str | None = None

    def reasons(self) -> tuple[str, ...]:
        dwell = self.dwell_ms
        cart = "purchased" if self.purchased else "in_cart" if self.cart > 0 else "removed"
        found = {
            cart: self.purchased or self.cart > 0 or self.removed,
            "long_dwell": dwell is not None and dwell > LONG_DWELL_MS,
            "bounced": dwell is not None and dwell < BOUNCE_MS,
            "repeat_views": self.views > 1,
            "searched": self.search is not None,
            "deep_scroll": self.scroll_pct >= DEEP_SCROLL_PCT,
            "hesitated": self.hesitated,
        }
        return tuple(code for code, present in found.items() if present)

    def weight(self, reasons: tuple[str, ...] | None = None) -> float:
        weight = 1.0
        for code in self.reasons() if reasons is None else reasons:
            weight *= _FACTORS.get(code, 1.0)
        if self.views > 1:
            weight *= 1.0 + min(REPEAT_BONUS * (self.views - 1), MAX_REPEAT_BONUS)
        return weight


@dataclass
class LiveSession:
    """What a visitor's session so far says about their interests, updated step by step.

    Examples
    --------
    >>> live = LiveSession.from_steps([
    ...     SessionStep("view", 0.0, sku="TENT"), SessionStep("view", 40.0, sku="TENT", dwell_ms=40_000),
    ...     SessionStep("view", 41.0, sku="MUG"), SessionStep("view", 42.0, sku="MUG", dwell_ms=900),
    ... ])
    >>> live.update(SessionStep("add_to_cart", 50.0, sku="STOVE", quantity=1)).weights()
    {'TENT': 1.5, 'MUG': 0.5, 'STOVE': 2.0}
    >>> live.query(k=5).weights
    (1.5, 0.5, 2.0)
    >>> live.strongest().describe("the camping stove")
    'you put the camping stove in your cart'
    """

    _items: dict[str, _Item] = field(default_factory=dict)  # ordered by last touch
    searches: list[str] = field(default_factory=list)
    last_at: float | None = None
    last_cart_at: float | None = None
    checkout_at: float | None = None
    region: str | None = None  # the latest region a step named
    _search: str | None = None  # the search whose results are still being opened
    _reach: int = 0

    @classmethod
    def from_steps(cls, steps: Iterable[SessionStep]) -> LiveSession:
        """The state after ``steps``, oldest first."""
        live = cls()
        for step in steps:
            live.update(step)
        return live

    def update(self, step: SessionStep) -> LiveSession:
        """Fold one more step into the state, in place; returns ``self`` for chaining."""
        self.last_at = step.at if self.last_at is None else max(self.last_at, step.at)
        self.region = step.region or self.region
        kind = step.type
        if kind == _SEARCH and step.query and step.query.strip():
            self.searches = [*self.searches, " ".join(step.query.split())][-MAX_SEARCHES:]
            self._search, self._reach = self.searches[-1], 0
        elif kind == _CHECKOUT:
            self.checkout_at = step.at
        elif kind == _PURCHASE and step.sku is None:
            for bought in self._items.values():
                bought.purchased = bought.purchased or bought.cart > 0
                bought.cart = 0
        if step.sku is None or kind not in _ITEM_STEPS:
            return self
        # First seen: the item joins the order even if this step does not touch it.
        item = self._items.setdefault(step.sku, _Item())
        # A view carrying dwell_ms reports time on a page already counted (docs/events.md);
        # only a view without it, or the first report of an item, is a new visit.
        revisit = kind == _VIEW and (step.dwell_ms is None or item.views == 0)
        if kind == _VIEW and step.dwell_ms is not None:
            item.dwell_ms = (item.dwell_ms or 0) + step.dwell_ms
        if revisit:
            item.views += 1
        if kind == _ADD:
            item.cart += step.quantity or 1
            item.removed = False
            self.last_cart_at = step.at
        elif kind == _REMOVE:
            item.cart = 0 if step.quantity is None else max(item.cart - step.quantity, 0)
            item.removed = item.cart == 0
            self.last_cart_at = step.at
        elif kind == _PURCHASE:
            item.purchased, item.cart, item.removed = True, 0, False
        elif kind == _HESITATION:
            item.hesitated = True
        elif kind == _SCROLL and step.scroll_pct is not None:
            item.scroll_pct = max(item.scroll_pct, step.scroll_pct)
        if kind in _TOUCHES and (revisit or kind != _VIEW):
            self._touch(step.sku, item)
        return self

    def _touch(self, sku: str, item: _Item) -> None:
        # Move to the end: the order is the order of last touches, as the recommenders read it.
        self._items.pop(sku, None)
        self._items[sku] = item
        if self._search is not None and item.search is None:
            item.search = self._search
            self._reach += 1
            if self._reach >= SEARCH_REACH:
                self._search = None

    @property
    def items(self) -> tuple[str, ...]:
        """Every item of the session, by last touch, oldest first."""
        return tuple(self._items)

    @property
    def cart(self) -> tuple[str, ...]:
        """Items in the cart now."""
        return tuple(sku for sku, item in self._items.items() if item.cart > 0)

    def abandoned_cart(self, at: float) -> tuple[str, ...]:
        """The cart, if it has sat without a checkout for :data:`ABANDONED_AFTER_S` at ``at``."""
        quiet = self.last_at is not None and at - self.last_at >= ABANDONED_AFTER_S
        paying = self.checkout_at is not None and self.checkout_at >= (self.last_cart_at or 0.0)
        return self.cart if quiet and not paying else ()

    def weights(self) -> dict[str, float]:
        """Each item's interest weight, in :attr:`items` order."""
        return {sku: item.weight() for sku, item in self._items.items()}

    def signals(self) -> tuple[Signal, ...]:
        """Each item's weight with its reasons, in :attr:`items` order."""
        found = ((sku, item, item.reasons()) for sku, item in self._items.items())
        return tuple(Signal(sku, i.weight(r), r, i.search, i.views) for sku, i, r in found)

    def strongest(self) -> Signal | None:
        """The item that weighs most (the most recent among equals), or ``None`` when empty."""
        ranked = self.signals()
        return max(reversed(ranked), key=lambda s: s.weight) if ranked else None

    def query(
        self,
        k: int = 20,
        exclude: frozenset[str] = frozenset(),
        at: float | None = None,
        max_items: int | None = None,
        current: str | None = None,
    ) -> SessionQuery:
        """A weighted query over the last ``max_items`` items (all when ``None``).

        ``current`` is the item on screen now (a product page): it goes last, keeping its
        signals, or with weight 1.0 if the session has not recorded it yet.
        """
        chosen = [s for s in self.signals() if s.sku != current]
        if current is not None:
            known = self._items.get(current)
            chosen.append(Signal(current, known.weight() if known else 1.0, ()))
        chosen = chosen[-max_items:] if max_items else chosen
        return SessionQuery(
            items=tuple(s.sku for s in chosen),
            k=k,
            exclude=exclude,
            at=at,
            weights=tuple(s.weight for s in chosen),
        )

    def explanation(self, names: dict[str, str] | None = None) -> Explanation:
        """The heaviest items and why, e.g. "you looked at the tent for a while"."""
        top = self.strongest()
        if top is None:
            return Explanation("Nothing viewed yet in this session.")
        names = names or {}
        heaviest = sorted(self.signals(), key=lambda s: -s.weight)[:5]
        factors = tuple(
            Factor(f"interest:{s.sku}", round(s.weight, 4), ", ".join(s.reasons) or "viewed")
            for s in heaviest
        )
        summary = top.describe(names.get(top.sku))
        return Explanation(summary[0].upper() + summary[1:] + ".", factors)
