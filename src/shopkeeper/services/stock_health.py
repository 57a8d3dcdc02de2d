"""Stock health: which products will run out before a delivery, and which barely move.

Both read the same figures per product: units available, forecast demand per day, days of
cover (how long the stock lasts at that rate), and sell-through (share of the units that
were available over the last 90 days that sold).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper.ai.inventory.policy import days_of_cover
from shopkeeper.services.forecasting import stored_forecasts
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import daily_sales
from shopkeeper.services.stock_positions import StockPosition, stock_positions

SELL_THROUGH_DAYS = 90
# Half a year of cover is money asleep on a shelf: a clearance candidate, unless most of
# what was on offer lately did sell (a seasonal product before its season comes back).
SLOW_MOVER_WEEKS = 26
SLOW_SELL_THROUGH = 0.4
NO_DEMAND_COVER = float("inf")


@dataclass(frozen=True)
class ProductHealth:
    """One product's stock against its demand."""

    position: StockPosition
    daily_demand: float
    sold_recently: float
    # The forecast day by day: cover is counted the way the reorder policy counts it.
    demand: tuple[float, ...] = ()

    @property
    def sku(self) -> str:
        return self.position.sku

    @property
    def days_of_cover(self) -> float:
        if self.daily_demand <= 0:
            return NO_DEMAND_COVER if self.position.available > 0 else 0.0
        return days_of_cover(float(self.position.available), np.array(self.demand))

    @property
    def weeks_of_cover(self) -> float:
        return self.days_of_cover / 7

    @property
    def sell_through(self) -> float:
        """Units sold over the last 90 days against those sold plus those still here."""
        offered = self.sold_recently + self.position.available
        return self.sold_recently / offered if offered > 0 else 0.0

    @property
    def at_risk(self) -> bool:
        """Runs out before its supplier could deliver an order placed today."""
        if self.position.supplier is None or self.daily_demand <= 0:
            return False
        cover = (self.position.available + self.position.on_order) / self.daily_demand
        return cover < self.position.supplier.lead_time_days

    @property
    def slow_mover(self) -> bool:
        return (
            self.position.available > 0
            and self.weeks_of_cover > SLOW_MOVER_WEEKS
            and self.sell_through < SLOW_SELL_THROUGH
        )


def stock_health(runtime: Runtime, shop_id: int) -> list[ProductHealth]:
    """Every active product with a forecast, most urgent first."""
    positions = stock_positions(runtime, shop_id)
    forecasts = stored_forecasts(runtime, shop_id)
    recent = daily_sales(runtime, shop_id, days=SELL_THROUGH_DAYS)
    sold = recent.frame.groupby("unique_id")["y"].sum().to_dict() if not recent.is_empty else {}
    health = [
        ProductHealth(
            position=position,
            daily_demand=sum(p.mean for p in forecasts[sku]) / len(forecasts[sku]),
            sold_recently=float(sold.get(sku, 0.0)),
            demand=tuple(p.mean for p in forecasts[sku]),
        )
        for sku, position in positions.items()
        if forecasts.get(sku)
    ]
    return sorted(health, key=lambda h: (h.days_of_cover, h.sku))
