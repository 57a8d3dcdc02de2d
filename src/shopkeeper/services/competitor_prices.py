"""Recording competitor prices and matching the competitors' products to ours.

Every valid price is kept as an observation, whatever its product's match says: nothing a
sender reports is lost. A competitor's product met for the first time is matched against
the catalogue (:mod:`.competitor_suggestions`) and *suggested* to the owner when a product
scores high enough; it is *confirmed* only by the owner
(:mod:`.competitor_matches`) or by a sender that names our sku. Prices of confirmed matches
are written to the ``signals`` table at once, the others when their match is confirmed.

Recording is idempotent: the same competitor, product and day sent again changes nothing;
a later reading of that day replaces the earlier one, an earlier one is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import CompetitorMatchRow, CompetitorObservationRow
from shopkeeper.domain.competitor_prices import (
    MAX_PRICES_PER_BATCH,
    CompetitorPriceIn,
    MatchStatus,
)
from shopkeeper.domain.shops import Shop
from shopkeeper.services import competitor_signals
from shopkeeper.services.competitor_suggestions import Catalogue, suggest
from shopkeeper.services.shops import get_shop

# A scraper's clock or time zone may run a little ahead; a day more is a typo.
MAX_AHEAD = timedelta(days=1)
SENDER_REASON = "our sku was sent with the price"


class PriceOutcome(StrEnum):
    """What became of a stored price: a signal now, or later when the owner confirms."""

    MATCHED = "matched"
    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"


@dataclass(frozen=True, slots=True)
class StoredPrice:
    """A price that was kept: its match, what became of it, and whether it changed anything."""

    index: int
    match_id: int
    outcome: PriceOutcome
    sku: str | None
    changed: bool


@dataclass(frozen=True, slots=True)
class RejectedPrice:
    """A price that was refused: its position, its competitor if readable, and why."""

    index: int
    competitor: str | None
    reason: str


@dataclass
class PriceBatchResult:
    """What happened to a batch, price by price.

    Examples
    --------
    >>> PriceBatchResult().counts()
    {'stored': 0, 'unchanged': 0, 'matched': 0, 'suggested': 0, 'unmatched': 0, 'rejected': 0}
    """

    stored: list[StoredPrice] = field(default_factory=list)
    rejected: list[RejectedPrice] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """``stored`` counts every price kept, ``unchanged`` those that were already held."""
        outcomes = [s.outcome for s in self.stored]
        return {
            "stored": len(self.stored),
            "unchanged": sum(not s.changed for s in self.stored),
            **{o.value: outcomes.count(o) for o in PriceOutcome},
            "rejected": len(self.rejected),
        }


def describe(error: ValidationError) -> str:
    """One line naming each refused field and why."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def check_price(item: CompetitorPriceIn, shop: Shop, clock: Clock) -> None:
    """Refuse what the model alone cannot: another currency than the shop's, a future day."""
    if item.currency != shop.currency:
        # No exchange rates here: a USD price beside EUR prices would skew every price gap.
        raise InvalidInputError(
            f"currency: prices must be in the shop's currency ({shop.currency}), got "
            f"{item.currency}; convert them before sending",
            currency=item.currency,
        )
    if item.observed_at > clock.now() + MAX_AHEAD:
        raise InvalidInputError(
            f"observed_at: {item.observed_at.isoformat()} is in the future",
            observed_at=item.observed_at.isoformat(),
        )


def _outcome(status: str) -> PriceOutcome:
    if status == MatchStatus.CONFIRMED:
        return PriceOutcome.MATCHED
    if status == MatchStatus.SUGGESTED:
        return PriceOutcome.SUGGESTED
    return PriceOutcome.UNMATCHED


@dataclass
class PriceRecorder:
    """Stores prices one by one in one session (one API batch, or one import chunk)."""

    session: Session
    clock: Clock
    shop: Shop
    catalogue: Catalogue
    actor: str
    _matches: dict[tuple[str, str], CompetitorMatchRow] = field(default_factory=dict)

    def record(self, index: int, item: CompetitorPriceIn) -> StoredPrice:
        """Store one checked price; refuses an unknown sku of ours before writing anything."""
        if item.sku is not None and item.sku not in self.catalogue.skus:
            raise InvalidInputError(f"sku: no product of ours has the sku {item.sku!r}")
        match, confirmed_now = self._match(item)
        observation, changed = self._observe(match, item)
        if confirmed_now:
            competitor_signals.write_all_prices(self.session, self.clock, match)
        elif changed and match.status == MatchStatus.CONFIRMED:
            competitor_signals.write_price(self.session, self.clock, match, observation)
        return StoredPrice(index, match.id, _outcome(match.status), match.sku, changed)

    def _match(self, item: CompetitorPriceIn) -> tuple[CompetitorMatchRow, bool]:
        key = (item.competitor, item.key)
        match = self._matches.get(key) or self.session.scalar(
            select(CompetitorMatchRow).where(
                CompetitorMatchRow.shop_id == self.shop.id,
                CompetitorMatchRow.competitor == item.competitor,
                CompetitorMatchRow.competitor_key == item.key,
            )
        )
        now = self.clock.now()
        if match is None:
            match = CompetitorMatchRow(
                shop_id=self.shop.id,
                competitor=item.competitor,
                competitor_key=item.key,
                competitor_sku=item.competitor_sku,
                title=item.title,
                url=item.url,
                created_at=now,
                last_seen_at=item.observed_at,
                candidates=[],
            )
            if item.sku is None:
                suggest(match, self.catalogue.matcher)
            self.session.add(match)
        elif item.observed_at >= match.last_seen_at:
            match.title, match.url, match.last_seen_at = item.title, item.url, item.observed_at
        self._matches[key] = match
        # The owner's decision stands over a sender's sku; an undecided match takes it.
        confirmed_now = item.sku is not None and match.status in (
            None,
            MatchStatus.SUGGESTED,
            MatchStatus.UNMATCHED,
        )
        if confirmed_now:
            match.status, match.sku = MatchStatus.CONFIRMED.value, item.sku
            match.reason, match.decided_at, match.decided_by = SENDER_REASON, now, self.actor
        self.session.flush()
        return match, confirmed_now

    def _observe(
        self, match: CompetitorMatchRow, item: CompetitorPriceIn
    ) -> tuple[CompetitorObservationRow, bool]:
        values: dict[str, Any] = {
            "observed_at": item.observed_at,
            "title": item.title,
            "price": item.price,
            "currency": item.currency,
            "url": item.url,
        }
        row = self.session.scalar(
            select(CompetitorObservationRow).where(
                CompetitorObservationRow.match_id == match.id,
                CompetitorObservationRow.observed_on == item.observed_on,
            )
        )
        if row is None:
            row = CompetitorObservationRow(
                shop_id=self.shop.id,
                match_id=match.id,
                observed_on=item.observed_on,
                received_at=self.clock.now(),
                **values,
            )
            self.session.add(row)
            self.session.flush()
            return row, True
        same = all(getattr(row, name) == value for name, value in values.items())
        # The day's latest reading wins; an earlier one arriving late changes nothing.
        if same or item.observed_at < row.observed_at:
            return row, False
        for name, value in values.items():
            setattr(row, name, value)
        row.received_at = self.clock.now()
        self.session.flush()
        return row, True


def validate_prices(
    raw_items: list[Any], shop: Shop, clock: Clock
) -> tuple[list[tuple[int, CompetitorPriceIn]], list[RejectedPrice]]:
    """Split a batch into checked prices (with their positions) and rejections."""
    if len(raw_items) > MAX_PRICES_PER_BATCH:
        raise InvalidInputError(
            f"a batch holds at most {MAX_PRICES_PER_BATCH} prices, got {len(raw_items)}",
            limit=MAX_PRICES_PER_BATCH,
        )
    valid: list[tuple[int, CompetitorPriceIn]] = []
    rejected: list[RejectedPrice] = []
    for index, raw in enumerate(raw_items):
        name = raw.get("competitor") if isinstance(raw, dict) else None
        competitor = str(name)[:200] if name is not None else None
        try:
            item = CompetitorPriceIn.model_validate(raw)
            check_price(item, shop, clock)
        except ValidationError as exc:
            rejected.append(RejectedPrice(index, competitor, describe(exc)))
        except InvalidInputError as exc:
            rejected.append(RejectedPrice(index, competitor, exc.message))
        else:
            valid.append((index, item))
    return valid, rejected


def record_competitor_prices(
    sessions: sessionmaker[Session],
    clock: Clock,
    *,
    shop_id: int,
    raw_items: list[Any],
    actor: str,
) -> PriceBatchResult:
    """Validate a batch and store its valid prices in one transaction.

    A price the model or the shop refuses is rejected alone with its reason; a database
    failure rolls the whole batch back, so a batch is stored entirely or not at all.
    """
    with transaction(sessions) as session:
        shop = get_shop(session, shop_id)
        valid, rejected = validate_prices(raw_items, shop, clock)
        result = PriceBatchResult(rejected=rejected)
        if not valid:
            return result
        recorder = PriceRecorder(session, clock, shop, Catalogue.load(session, shop_id), actor)
        for index, item in valid:
            try:
                result.stored.append(recorder.record(index, item))
            except InvalidInputError as exc:
                result.rejected.append(RejectedPrice(index, item.competitor, exc.message))
    result.rejected.sort(key=lambda r: r.index)
    return result
