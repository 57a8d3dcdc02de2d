"""Known customers' purchase histories, as collaborative recommenders learn from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shopkeeper.ai.recommend.sessions import SessionLog
from shopkeeper.core.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class PurchaseHistories:
    """What each known customer bought, oldest first: one entry per order line.

    A sku bought in three orders appears three times (a repeat purchase is a stronger
    signal); the quantity of one line does not count, since ten pairs of socks in one
    order say no more about taste than one pair.

    Examples
    --------
    >>> histories = PurchaseHistories(customers=("C1", "C2"), skus=(("A", "B"), ("B",)))
    >>> histories.of("C1"), histories.of("nobody")
    (('A', 'B'), ())
    >>> histories.as_session_log().sessions
    (('A', 'B'), ('B',))
    """

    customers: tuple[str, ...]
    skus: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if len(self.customers) != len(self.skus):
            raise InvalidInputError(
                f"{len(self.skus)} histories for {len(self.customers)} customers"
            )
        if len(set(self.customers)) != len(self.customers):
            raise InvalidInputError("each customer must have one history")

    @classmethod
    def from_purchases(cls, purchases: Iterable[tuple[str, str]]) -> PurchaseHistories:
        """From ``(customer, sku)`` order lines, oldest first."""
        bought: dict[str, list[str]] = {}
        for customer, sku in purchases:
            bought.setdefault(customer, []).append(sku)
        return cls(customers=tuple(bought), skus=tuple(tuple(s) for s in bought.values()))

    def __len__(self) -> int:
        return len(self.customers)

    def of(self, customer: str) -> tuple[str, ...]:
        """The skus ``customer`` bought, oldest first; empty for an unknown customer."""
        for name, bought in zip(self.customers, self.skus, strict=True):
            if name == customer:
                return bought
        return ()

    def as_session_log(self) -> SessionLog:
        """Each customer's history as one long "session", the shape session models learn."""
        return SessionLog(sessions=self.skus)
