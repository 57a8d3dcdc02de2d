"""Assemble event blocks into the ``events`` table: order each session's path and time it.

Sorting events by (session, ordering key) gives every session a plausible path;
the dwell time of each event (or a short pause) then sets when the next one happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue
from .customers import Population
from .places import REGION_NAMES
from .sessions import BUY, SessionPlan
from .streams import uuid4_strings
from .timeline import utc_nanoseconds

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class EventBlocks:
    """Event columns that grow one block at a time; ``-1`` / NaN / "" mean empty.

    Examples
    --------
    >>> blocks = EventBlocks()
    >>> blocks.add(np.array([0, 1]), np.zeros(2), "view", "home")
    >>> blocks.add(np.array([1]), np.ones(1), "search", "search", query=np.array(["parapluie"]))
    >>> cols = blocks.columns()
    >>> cols["type"].tolist(), cols["query"].tolist()
    (['view', 'view', 'search'], ['', '', 'parapluie'])
    """

    cols: dict[str, list[npt.NDArray[np.generic]]] = field(default_factory=dict)

    def add(
        self,
        session: IntArray,
        seq: FloatArray,
        kind: str,
        page: str | npt.NDArray[np.str_],
        product: IntArray | None = None,
        dwell: FloatArray | None = None,
        scroll: FloatArray | None = None,
        query: npt.NDArray[np.str_] | None = None,
        quantity: IntArray | None = None,
        order: IntArray | None = None,
    ) -> None:
        n = len(session)
        values: dict[str, npt.NDArray[np.generic]] = {
            "session": session,
            "seq": seq,
            "type": np.full(n, kind),
            "page": np.broadcast_to(np.asarray(page), (n,)).astype(str),
            "product": np.full(n, -1) if product is None else product,
            "dwell": np.full(n, -1.0) if dwell is None else dwell,
            "scroll": np.full(n, np.nan) if scroll is None else scroll,
            "query": np.full(n, "") if query is None else query,
            "quantity": np.full(n, -1) if quantity is None else quantity,
            "order": np.full(n, -1) if order is None else order,
        }
        for name, column in values.items():
            self.cols.setdefault(name, []).append(np.asarray(column))

    def columns(self) -> dict[str, npt.NDArray[np.generic]]:
        """Every block concatenated, column by column."""
        return {name: np.concatenate(parts) for name, parts in self.cols.items()}

    def to_frame(
        self,
        plan: SessionPlan,
        orders: pd.DataFrame,
        pop: Population,
        cat: Catalogue,
        rng: np.random.Generator,
    ) -> pd.DataFrame:
        """The ``events`` table, sorted by time, with deterministic event ids."""
        return _to_frame(self.columns(), plan, orders, pop, cat, rng)


def _to_frame(
    ev: dict[str, npt.NDArray[np.generic]],
    plan: SessionPlan,
    orders: pd.DataFrame,
    pop: Population,
    cat: Catalogue,
    rng: np.random.Generator,
) -> pd.DataFrame:
    order = np.lexsort((ev["seq"], ev["session"]))
    ev = {k: v[order] for k, v in ev.items()}
    session = ev["session"].astype(np.int64)
    dwell = ev["dwell"].astype(np.float64)
    gap = np.where(dwell > 0, dwell, rng.lognormal(np.log(3500), 0.6, size=len(session)))
    before = np.cumsum(gap) - gap  # time from the first event of all to the start of this one
    first = np.searchsorted(session, session)  # sessions are contiguous after the sort
    elapsed = before - before[first]
    last = np.searchsorted(session, session, side="right") - 1
    # Buyers' clocks run backwards from the order time, so purchase == placed_at.
    shift = np.where(plan.kind[session] == BUY, elapsed[last], 0.0)
    occurred = plan.anchor[session] + pd.to_timedelta(np.round(elapsed - shift), unit="ms")
    chrono = np.lexsort((ev["seq"], session, utc_nanoseconds(occurred)))

    skus = np.asarray(cat.products["sku"])
    cust_ids = pop.frame["external_id"].to_numpy()
    order_ids = orders["external_id"].to_numpy()
    product, cust = ev["product"].astype(np.int64), plan.customer[session]
    qty, order_row = ev["quantity"].astype(np.int64), ev["order"].astype(np.int64)
    scroll, query = ev["scroll"].astype(np.float64), ev["query"].astype(str)
    frame = (
        pd.DataFrame(
            {
                "type": ev["type"],
                "session_id": np.asarray(plan.session_id)[session],
                "customer_external_id": [cust_ids[c] if c >= 0 else None for c in cust],
                "sku": [skus[p] if p >= 0 else None for p in product],
                "occurred_at": occurred,
                "dwell_ms": _optional([round(d) if d > 0 else None for d in dwell]),
                "scroll_pct": _optional([float(s) if s == s else None for s in scroll]),
                "query": [q if q else None for q in query],
                "quantity": _optional([int(q) if q > 0 else None for q in qty]),
                "order_external_id": [order_ids[o] if o >= 0 else None for o in order_row],
                "context": _contexts(ev["page"].astype(str), session, plan),
            }
        )
        .iloc[chrono]
        .reset_index(drop=True)
    )
    frame.insert(0, "event_id", uuid4_strings(rng, len(frame)))
    return frame


def _contexts(
    page: npt.NDArray[np.str_], session: IntArray, plan: SessionPlan
) -> list[dict[str, str]]:
    device, referrer = plan.device.tolist(), plan.referrer.tolist()
    locale, city = plan.locale.tolist(), plan.city.tolist()
    region = [REGION_NAMES[r] for r in plan.region]
    return [
        {
            "page_type": pg,
            "device": device[s],
            "referrer": referrer[s],
            "locale": locale[s],
            "region": region[s],
            "city": city[s],
        }
        for pg, s in zip(page.tolist(), session.tolist(), strict=True)
    ]


def _optional(values: list[int | None] | list[float | None]) -> pd.Series:
    """Keep Python numbers and ``None`` as they are: the columns are "int or None" in the DB."""
    return pd.Series(values, dtype=object)
