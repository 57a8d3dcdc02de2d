"""When the demo's orders left the warehouse and arrived, with carrier and tracking number.

Drawn from a stream of its own after the orders exist, so adding delivery details changed
none of the demand, orders or sessions the other benchmarks read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Carriers of the demo shop's FAQ, with their share of parcels and tracking number shapes.
CARRIERS = ("Colissimo", "Mondial Relay", "Chronopost")
CARRIER_SHARE = (0.8, 0.15, 0.05)
LEFT_WAREHOUSE = ("shipped", "delivered", "returned")
ARRIVED = ("delivered", "returned")


def _tracking(carrier: str, digits: np.int64) -> str:
    number = f"{int(digits):011d}"
    if carrier == "Colissimo":
        return f"6A{number}"
    if carrier == "Mondial Relay":
        return number[:8]
    return f"XR{number[:9]}FR"


def add_delivery(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``orders`` with ``shipped_at``, ``delivered_at``, ``carrier`` and ``tracking_number``.

    Orders ship the next working day or so and travel 2-4 days; nothing happens after the
    newest order, which is "now" for the demo.

    Examples
    --------
    >>> placed = pd.to_datetime(["2026-05-04 10:00", "2026-05-09 09:00"], utc=True)
    >>> frame = pd.DataFrame({"placed_at": placed, "status": ["delivered", "processing"]})
    >>> out = add_delivery(frame, np.random.default_rng(0))
    >>> bool(out["delivered_at"][0] > out["shipped_at"][0]), out["carrier"][1]
    (True, None)
    """
    n = len(orders)
    placed = pd.to_datetime(orders["placed_at"], utc=True)
    now = placed.max()
    # Whole seconds, like every other timestamp of the demo.
    shipped = (placed + pd.to_timedelta(rng.uniform(16, 40, n), unit="h")).dt.floor("s")
    delivered = shipped + pd.to_timedelta(rng.integers(2, 5, n), unit="D")
    carrier = rng.choice(len(CARRIERS), size=n, p=CARRIER_SHARE)
    digits = rng.integers(0, 10**11, size=n)
    left = orders["status"].isin(LEFT_WAREHOUSE).to_numpy()
    arrived = orders["status"].isin(ARRIVED).to_numpy()
    out = orders.copy()
    out["shipped_at"] = shipped.mask(shipped > now, now).where(left)
    out["delivered_at"] = delivered.mask(delivered > now, now).where(arrived)
    names = [CARRIERS[c] for c in carrier]
    out["carrier"] = [name if sent else None for name, sent in zip(names, left, strict=True)]
    out["tracking_number"] = [
        _tracking(name, d) if sent else None
        for name, d, sent in zip(names, digits, left, strict=True)
    ]
    return out
