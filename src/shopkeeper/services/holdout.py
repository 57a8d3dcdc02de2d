"""Holdout groups: a stable slice of visitors that a capability leaves alone.

Comparing the treated group with the holdout measures what a capability really adds. A
visitor's group is a pure function of their id, the capability and the shop's secret salt,
so it never flips between requests or workers, cannot be guessed from outside, and the
groups of different capabilities are independent of each other.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.proposals import Capability
from shopkeeper.services import audit, modes
from shopkeeper.services.shops import get_shop

_SCALE = float(2**64)


class Group(StrEnum):
    TREATMENT = "treatment"
    HOLDOUT = "holdout"


def bucket(subject_id: str, capability: Capability | str, salt: str) -> float:
    """Map an id to a number in [0, 1), uniform and stable for a (capability, salt).

    Examples
    --------
    >>> bucket("sess-1", "pricing", "salt") == bucket("sess-1", "pricing", "salt")
    True
    >>> 0.0 <= bucket("sess-1", "pricing", "salt") < 1.0
    True
    """
    # The separator keeps ("ab", "c") and ("a", "bc") from hashing alike.
    text = "\x1f".join((str(capability), salt, subject_id)).encode()
    digest = hashlib.blake2b(text, digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE


def group_for(subject_id: str, capability: Capability | str, salt: str, share: float) -> Group:
    """The group of a session or customer id given the holdout ``share`` in [0, 1].

    Examples
    --------
    >>> group_for("sess-1", "pricing", "salt", 0.0)
    <Group.TREATMENT: 'treatment'>
    >>> group_for("sess-1", "pricing", "salt", 1.0)
    <Group.HOLDOUT: 'holdout'>
    """
    return Group.HOLDOUT if bucket(subject_id, capability, salt) < share else Group.TREATMENT


def holdout_share(session: Session, shop_id: int, capability: Capability) -> float:
    """The shop's holdout share for ``capability`` (10% unless the owner changed it)."""
    return modes.share_of(modes.find_setting(session, shop_id, capability, "shop"))


def set_holdout_share(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    capability: Capability,
    share: float,
    actor: str,
) -> float:
    """Change the holdout share; audit-logged. Keeps the capability's current mode."""
    if not 0.0 <= share <= 0.5:
        raise InvalidInputError("holdout share must be between 0 and 0.5", share=share)
    row = modes.find_setting(session, shop_id, capability, "shop")
    before = modes.share_of(row)
    if row is None:
        row = modes.add_setting(session, shop_id, capability, "shop", "")
    row.holdout_share = share
    row.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="holdout_share.set",
        target_kind="capability",
        target_id=capability.value,
        before={"holdout_share": before},
        after={"holdout_share": share},
    )
    return share


def assign(session: Session, shop_id: int, capability: Capability, subject_id: str) -> Group:
    """The group of a session or customer of this shop for ``capability``."""
    salt = get_shop(session, shop_id).holdout_salt
    return group_for(subject_id, capability, salt, holdout_share(session, shop_id, capability))
