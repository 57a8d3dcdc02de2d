"""All tables; importing this module registers them on ``Base.metadata``."""

from shopkeeper.data.tables.activity import EventRow, SignalRow
from shopkeeper.data.tables.base import Base
from shopkeeper.data.tables.catalog import (
    PriceChangeRow,
    ProductRow,
    PurchaseOrderLineRow,
    PurchaseOrderRow,
    StockLevelRow,
    StockMoveRow,
    SupplierRow,
)
from shopkeeper.data.tables.operations import JobRunRow, ModelRunRow, ProposalRow
from shopkeeper.data.tables.recommendation_rules import (
    RecommendationPolicyRow,
    RecommendationRuleRow,
)
from shopkeeper.data.tables.sales import CustomerRow, OrderLineRow, OrderRow
from shopkeeper.data.tables.shops import (
    ApiKeyRow,
    AuditLogRow,
    CapabilitySettingRow,
    ShopRow,
    UserRow,
)

__all__ = [
    "ApiKeyRow",
    "AuditLogRow",
    "Base",
    "CapabilitySettingRow",
    "CustomerRow",
    "EventRow",
    "JobRunRow",
    "ModelRunRow",
    "OrderLineRow",
    "OrderRow",
    "PriceChangeRow",
    "ProductRow",
    "ProposalRow",
    "PurchaseOrderLineRow",
    "PurchaseOrderRow",
    "RecommendationPolicyRow",
    "RecommendationRuleRow",
    "ShopRow",
    "SignalRow",
    "StockLevelRow",
    "StockMoveRow",
    "SupplierRow",
    "UserRow",
]
