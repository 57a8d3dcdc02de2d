"""API keys: secret (server-side, scoped) and publishable (storefront), stored hashed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import AuthenticationError, InvalidInputError, NotFoundError
from shopkeeper.core.ids import new_token
from shopkeeper.data.tables import ApiKeyRow
from shopkeeper.domain.access import PUBLISHABLE_SCOPES, SECRET_SCOPES, KeyKind, Scope
from shopkeeper.services.access.principal import Principal

_PREFIX = {KeyKind.SECRET: "sk_", KeyKind.PUBLISHABLE: "pk_"}


def looks_publishable(raw: str) -> bool:
    """Whether ``raw`` has the publishable prefix (authentication still decides)."""
    return raw.startswith(_PREFIX[KeyKind.PUBLISHABLE])


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: ``raw`` is shown once and never stored."""

    id: int
    name: str
    kind: KeyKind
    raw: str
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    name: str
    kind: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def hash_key(raw: str) -> str:
    # Keys carry 192 bits of randomness, so a fast hash is enough (no dictionary attack).
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_key(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    name: str,
    kind: KeyKind,
    scopes: list[Scope] | None = None,
) -> IssuedKey:
    allowed = PUBLISHABLE_SCOPES if kind is KeyKind.PUBLISHABLE else SECRET_SCOPES
    chosen = set(scopes) if scopes else set(allowed)
    if kind is KeyKind.SECRET and not scopes:
        chosen = {Scope.ADMIN}
    too_wide = chosen - allowed
    if too_wide:
        raise InvalidInputError(
            f"a {kind.value} key cannot have scopes {sorted(s.value for s in too_wide)}",
            allowed=sorted(s.value for s in allowed),
        )
    raw = _PREFIX[kind] + new_token(24)
    row = ApiKeyRow(
        shop_id=shop_id,
        name=name,
        kind=kind.value,
        prefix=raw[:11],
        key_hash=hash_key(raw),
        scopes=sorted(s.value for s in chosen),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return IssuedKey(row.id, name, kind, raw, tuple(row.scopes))


def authenticate(session: Session, raw: str) -> Principal:
    """The principal of a raw key, or ``AuthenticationError`` for unknown/revoked keys."""
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == hash_key(raw)))
    if row is None or row.revoked_at is not None:
        raise AuthenticationError("unknown or revoked API key")
    return Principal(
        shop_id=row.shop_id,
        actor=f"key:{row.prefix}",
        scopes=frozenset(Scope(s) for s in row.scopes),
        key_kind=KeyKind(row.kind),
    )


def list_keys(session: Session, shop_id: int) -> list[KeyInfo]:
    rows = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.shop_id == shop_id).order_by(ApiKeyRow.id)
    )
    return [
        KeyInfo(r.id, r.name, r.kind, r.prefix, tuple(r.scopes), r.created_at, r.revoked_at)
        for r in rows
    ]


def revoke_key(session: Session, clock: Clock, *, shop_id: int, key_id: int) -> None:
    row = session.get(ApiKeyRow, key_id)
    if row is None or row.shop_id != shop_id:
        raise NotFoundError(f"no API key with id {key_id}", key_id=key_id)
    if row.revoked_at is None:
        row.revoked_at = clock.now()
