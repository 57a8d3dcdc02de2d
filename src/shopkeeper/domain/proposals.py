"""Automatic actions are proposed, explained, guarded and logged."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.domain.schemas import Strict


class Capability(StrEnum):
    """Capabilities a shop switches between off, suggest and auto, one at a time."""

    RECOMMEND = "recommend"
    REPLENISH = "replenish"
    PRICING = "pricing"
    PROMOTE = "promote"
    MARKETING = "marketing"
    SUPPORT = "support"
    FRAUD = "fraud"
    SLOTTING = "slotting"
    TRENDS = "trends"
    CONTENT = "content"


class CapabilityMode(StrEnum):
    OFF = "off"
    SUGGEST = "suggest"
    AUTO = "auto"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    APPLIED = "applied"
    REJECTED = "rejected"
    EXPIRED = "expired"


OPEN_STATUSES: frozenset[ProposalStatus] = frozenset({ProposalStatus.PROPOSED})


class ProposalPublic(BaseModel):
    """A proposal as the API, the dashboard and the CLI show it.

    ``explanation`` is ``{"summary": str, "factors": [{"name", "weight", "detail"}]}``.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> p = ProposalPublic(
    ...     id=1, capability="pricing", kind="price_change", target="TEE-1", category=None,
    ...     summary="Raise TEE-1 to 21.00", explanation={"summary": "demand up", "factors": []},
    ...     payload={}, expected_effect={}, status="proposed",
    ...     created_at=datetime(2026, 1, 1, tzinfo=UTC), expires_at=None, decided_at=None,
    ...     decided_by=None, applied_at=None, result=None,
    ... )
    >>> p.is_open
    True
    """

    model_config = ConfigDict(from_attributes=True)

    id: int
    capability: str
    kind: str
    target: str
    category: str | None
    summary: str
    explanation: dict[str, Any]
    payload: dict[str, Any]
    expected_effect: dict[str, Any]
    status: str
    created_at: datetime
    expires_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    applied_at: datetime | None
    result: dict[str, Any] | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProposalReject(Strict):
    """Body of a rejection: an optional reason kept in the audit log."""

    reason: str = Field("", max_length=2000)


class CapabilitySetting(BaseModel):
    """The effective mode of a capability at one scope, as the dashboard lists it.

    ``inherited`` is true when no row exists at this scope and the mode comes from a
    broader one (or the built-in default).

    Examples
    --------
    >>> CapabilitySetting(capability="pricing", scope_kind="shop", scope_value="",
    ...                   mode="suggest", holdout_share=0.1, inherited=True).mode
    'suggest'
    """

    capability: str
    scope_kind: str
    scope_value: str
    mode: str
    holdout_share: float
    inherited: bool


class ModeChange(Strict):
    """Body that sets the mode of a capability for the shop, a category or a product."""

    mode: CapabilityMode
    scope_kind: str = Field("shop", pattern=r"^(shop|category|product)$")
    scope_value: str = Field("", max_length=200)


class JobRunPublic(BaseModel):
    """One recorded run of a scheduled job."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    job_name: str
    shop_id: int | None
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    figures: dict[str, Any]
    error: str | None
