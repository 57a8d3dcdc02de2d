"""Who may do what: user roles and API key scopes."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Dashboard user roles, from most to least powerful."""

    OWNER = "owner"
    STAFF = "staff"
    SUPPORT_AGENT = "support_agent"
    VIEWER = "viewer"


class KeyKind(StrEnum):
    SECRET = "secret"
    PUBLISHABLE = "publishable"


class Scope(StrEnum):
    """What an API key may do."""

    EVENTS_WRITE = "events:write"
    RECOMMENDATIONS_READ = "recommendations:read"
    PRICES_READ = "prices:read"
    OFFERS_READ = "offers:read"
    SUPPORT_CHAT = "support:chat"
    SUPPORT_MANAGE = "support:manage"
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    STOCK_READ = "stock:read"
    STOCK_WRITE = "stock:write"
    IMPORT_WRITE = "import:write"
    PROPOSALS_READ = "proposals:read"
    PROPOSALS_WRITE = "proposals:write"
    SIGNALS_READ = "signals:read"
    SIGNALS_WRITE = "signals:write"
    ADMIN = "admin"


# A publishable key lives in public page source: it may only send behaviour and read
# what any visitor could see anyway.
PUBLISHABLE_SCOPES: frozenset[Scope] = frozenset(
    {
        Scope.EVENTS_WRITE,
        Scope.RECOMMENDATIONS_READ,
        Scope.PRICES_READ,
        Scope.OFFERS_READ,
        Scope.SUPPORT_CHAT,
    }
)
SECRET_SCOPES: frozenset[Scope] = frozenset(Scope)

# Roles able to act (approve proposals, edit data); viewers only read.
ROLES_THAT_EDIT: frozenset[Role] = frozenset({Role.OWNER, Role.STAFF})
