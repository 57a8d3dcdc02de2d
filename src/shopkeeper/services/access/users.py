"""Dashboard users: roles, passwords (scrypt) and sign-in."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from shopkeeper.data.tables import UserRow
from shopkeeper.domain.access import ROLES_THAT_EDIT, Role, Scope
from shopkeeper.services.access.principal import Principal

MIN_PASSWORD_LENGTH = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

# What each role may do through the dashboard.
ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.OWNER: frozenset({Scope.ADMIN}),
    Role.STAFF: frozenset(Scope) - {Scope.ADMIN},
    Role.SUPPORT_AGENT: frozenset(
        {
            Scope.SUPPORT_CHAT,
            Scope.SUPPORT_MANAGE,
            Scope.ORDERS_READ,
            Scope.CUSTOMERS_READ,
            Scope.CATALOG_READ,
        }
    ),
    Role.VIEWER: frozenset(
        {
            Scope.CATALOG_READ,
            Scope.ORDERS_READ,
            Scope.CUSTOMERS_READ,
            Scope.STOCK_READ,
            Scope.PROPOSALS_READ,
        }
    ),
}


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    shop_id: int
    email: str
    name: str
    role: Role

    @property
    def can_edit(self) -> bool:
        return self.role in ROLES_THAT_EDIT

    def principal(self) -> Principal:
        return Principal(
            shop_id=self.shop_id,
            actor=f"user:{self.email}",
            scopes=ROLE_SCOPES[self.role],
            role=self.role,
            user_id=self.id,
        )


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def _info(row: UserRow) -> UserInfo:
    return UserInfo(row.id, row.shop_id, row.email, row.name, Role(row.role))


def create_user(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    email: str,
    password: str,
    role: Role,
    name: str = "",
) -> UserInfo:
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInputError(f"not an email address: {email!r}")
    _check_password(password)
    if session.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
        raise ConflictError(f"a user {email!r} already exists", email=email)
    row = UserRow(
        shop_id=shop_id,
        email=email,
        name=name,
        role=role.value,
        password_hash=hash_password(password),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return _info(row)


def set_password(session: Session, *, email: str, password: str) -> None:
    _check_password(password)
    row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if row is None:
        raise NotFoundError(f"no user {email!r}", email=email)
    row.password_hash = hash_password(password)


def authenticate_user(session: Session, clock: Clock, *, email: str, password: str) -> UserInfo:
    row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if row is None or not row.is_active or not verify_password(password, row.password_hash):
        raise AuthenticationError("wrong email or password")
    row.last_login_at = clock.now()
    return _info(row)


def get_user(session: Session, user_id: int) -> UserInfo:
    row = session.get(UserRow, user_id)
    if row is None or not row.is_active:
        raise AuthenticationError("this account no longer exists")
    return _info(row)


def list_users(session: Session, shop_id: int) -> list[UserInfo]:
    rows = session.scalars(select(UserRow).where(UserRow.shop_id == shop_id).order_by(UserRow.id))
    return [_info(r) for r in rows]
