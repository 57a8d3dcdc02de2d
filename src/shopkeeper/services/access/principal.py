"""The authenticated caller of a use case."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.core.errors import PermissionDeniedError
from shopkeeper.domain.access import KeyKind, Role, Scope


@dataclass(frozen=True, slots=True)
class Principal:
    """A shop-bound caller with its scopes.

    Examples
    --------
    >>> p = Principal(shop_id=1, actor="key:pk_abc", scopes=frozenset({Scope.EVENTS_WRITE}))
    >>> p.require(Scope.EVENTS_WRITE)
    >>> p.require(Scope.ORDERS_READ)
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.PermissionDeniedError: this key lacks the scope 'orders:read'
    """

    shop_id: int
    actor: str
    scopes: frozenset[Scope]
    key_kind: KeyKind | None = None
    role: Role | None = None
    user_id: int | None = None

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes or (
            Scope.ADMIN in self.scopes and self.key_kind is not KeyKind.PUBLISHABLE
        )

    def require(self, scope: Scope) -> None:
        if not self.can(scope):
            raise PermissionDeniedError(
                f"this key lacks the scope {scope.value!r}", required_scope=scope.value
            )
