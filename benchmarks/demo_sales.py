"""Units sold per product and local day in a generated demo shop, as the benchmarks read it."""

from __future__ import annotations

import pandas as pd

from shopkeeper.data.importers.demo.shop import GeneratedShop


def local_day(stamps: pd.Series, timezone: str) -> pd.Series:
    """Each aware timestamp's calendar day in the shop's time zone, as a naive midnight."""
    return stamps.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()


def sold_per_day(shop: GeneratedShop) -> pd.DataFrame:
    """Units per ``sku`` and local day ``ds`` (column ``quantity``), cancelled orders left
    out; only the days with a sale."""
    lines = shop.order_lines.merge(
        shop.orders[["external_id", "placed_at", "status"]],
        left_on="order_external_id",
        right_on="external_id",
    )
    lines = lines[lines["status"] != "cancelled"]
    lines = lines.assign(ds=local_day(lines["placed_at"], shop.truth["time_zone"]))
    return lines.groupby(["sku", "ds"], as_index=False)["quantity"].sum()
