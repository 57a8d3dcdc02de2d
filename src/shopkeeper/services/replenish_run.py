"""The daily replenishment run: spikes, then orders, then clearances, as one report.

The CLI, the API and the scheduled job call :func:`run_replenishment`, so an owner who
clicks "plan now" gets exactly what the night's job would have proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shopkeeper.domain.proposals import ProposalPublic
from shopkeeper.services.clearance import propose_clearances
from shopkeeper.services.demand_spikes import SpikeFinding, find_spikes
from shopkeeper.services.replenishment import ReplenishmentPlan, plan_replenishment
from shopkeeper.services.runtime import Runtime


@dataclass
class ReplenishReport:
    """Everything one run proposed, and the spikes that moved orders forward."""

    orders: ReplenishmentPlan
    clearances: list[ProposalPublic] = field(default_factory=list)
    spikes: list[SpikeFinding] = field(default_factory=list)

    def figures(self) -> dict[str, object]:
        """Counts for the job log and the CLI's last line."""
        return {
            "order_proposals": len(self.orders.proposals),
            "order_lines": self.orders.lines,
            "superseded": self.orders.superseded,
            "without_supplier": len(self.orders.without_supplier),
            "without_forecast": len(self.orders.without_forecast),
            "clearance_proposals": len(self.clearances),
            "spikes": len(self.spikes),
        }


def run_replenishment(
    runtime: Runtime,
    shop_id: int,
    *,
    service_level: float = 0.95,
    budget: Decimal | None = None,
    capacity_l: float | None = None,
    clearance: bool = True,
) -> ReplenishReport:
    """Detect spikes, propose purchase orders (spiking products early), then clearances."""
    spikes = find_spikes(runtime, shop_id)
    uplifts = {sku: finding.uplift for finding in spikes for sku in finding.skus}
    orders = plan_replenishment(
        runtime,
        shop_id,
        service_level=service_level,
        budget=budget,
        capacity_l=capacity_l,
        uplifts=uplifts,
    )
    report = ReplenishReport(orders=orders, spikes=spikes)
    if clearance:
        report.clearances = propose_clearances(runtime, shop_id)
    return report
