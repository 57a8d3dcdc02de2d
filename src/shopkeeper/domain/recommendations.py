"""What the storefront asks for and gets back when it shows recommended products."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel


class Placement(StrEnum):
    """Where on the storefront the recommendations are shown."""

    HOME = "home"
    PRODUCT = "product"
    CART = "cart"
    EMAIL = "email"


class RecommendationSource(StrEnum):
    """Which model put an item on the list."""

    SESSION = "session"
    POPULARITY = "popularity"
    CUSTOMER = "customer"  # the customer's own purchase history (collaborative filtering)
    SIMILAR = "similar"  # products alike in text, category, brand and attributes
    TOGETHER = "together"  # products bought in the same orders
    RULE = "rule"  # pinned by the shop, proposed by no model


class RecommendedItem(BaseModel):
    """One product to show, with the reason a shopper may read.

    Examples
    --------
    >>> item = RecommendedItem(
    ...     sku="A1", title="Lamp", price=Decimal("9.90"), score=0.5,
    ...     reason="Because you viewed B2", source=RecommendationSource.SESSION,
    ... )
    >>> item.source.value
    'session'
    """

    sku: str
    title: str
    price: Decimal
    score: float
    reason: str
    source: RecommendationSource
    # The owner's rule that moved the item (pinned, boosted, buried), for the dashboard.
    rule: str | None = None


class RecommendationResult(BaseModel):
    """The answer to one request; ``rec_request_id`` ties later clicks back to it.

    ``note`` says why the list is empty or short when that is not the shopper's doing
    (no model fitted yet, nothing in stock...), so an integrator can see what to fix.

    Examples
    --------
    >>> RecommendationResult(rec_request_id="r1", placement=Placement.HOME, items=[]).items
    []
    """

    rec_request_id: str
    placement: Placement
    items: list[RecommendedItem]
    model_runs: list[int] = []
    note: str | None = None
