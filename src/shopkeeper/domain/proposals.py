"""Automatic actions are proposed, explained, guarded and logged."""

from __future__ import annotations

from enum import StrEnum


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
