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
from shopkeeper.data.tables.competitor_prices import CompetitorMatchRow, CompetitorObservationRow
from shopkeeper.data.tables.forecasting import AggregateForecastRow, ProductForecastRow
from shopkeeper.data.tables.operations import JobRunRow, ModelRunRow, ProposalRow
from shopkeeper.data.tables.pricing import PriceLockRow, PricingRuleRow
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
from shopkeeper.data.tables.support import (
    ConversationRow,
    HandoffRow,
    ReturnRow,
    SupportDocumentRow,
    SupportMessageRow,
    SupportPolicyRow,
)
from shopkeeper.data.tables.support_channels import (
    SupportChannelContactRow,
    SupportChannelRow,
    SupportDeliveryRow,
)

__all__ = [
    "AggregateForecastRow",
    "ApiKeyRow",
    "AuditLogRow",
    "Base",
    "CapabilitySettingRow",
    "CompetitorMatchRow",
    "CompetitorObservationRow",
    "ConversationRow",
    "CustomerRow",
    "EventRow",
    "HandoffRow",
    "JobRunRow",
    "ModelRunRow",
    "OrderLineRow",
    "OrderRow",
    "PriceChangeRow",
    "PriceLockRow",
    "PricingRuleRow",
    "ProductForecastRow",
    "ProductRow",
    "ProposalRow",
    "PurchaseOrderLineRow",
    "PurchaseOrderRow",
    "RecommendationPolicyRow",
    "RecommendationRuleRow",
    "ReturnRow",
    "ShopRow",
    "SignalRow",
    "StockLevelRow",
    "StockMoveRow",
    "SupplierRow",
    "SupportChannelContactRow",
    "SupportChannelRow",
    "SupportDeliveryRow",
    "SupportDocumentRow",
    "SupportMessageRow",
    "SupportPolicyRow",
    "UserRow",
]
