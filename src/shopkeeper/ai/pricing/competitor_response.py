"""How far competitors follow our price moves, measured from both price histories.

A shop's own price change rarely stays alone: competitors that watch it move too, a few days
later and part of the way. Demand answers the competitors' price as well as ours (the
elasticity model's ``competitor`` term, ``c``), so a price held for a while faces a flatter
curve than the day-one elasticity ``e``: once competitors have followed a share ``φ`` of the
move, units change as ``(p / p_0)^(e + c φ)``. Pricing on ``e`` alone would cut too deep and
rise too little.

``φ`` comes from a distributed-lag regression on daily changes, pooled over products::

    Δ log competitor_t = α + Σ_{l=1..L} β_l Δ log ours_{t-l} + ε_t

``φ = Σ β_l``: the share of a lasting move of ours the competitors' mean price has matched
``L`` days later. Lag 0 is left out on purpose: on the same day we also answer them, and that
would read our following as theirs. Changes rather than levels drop each competitor's own
level and drift; their own moves are the noise ``ε``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from shopkeeper.core.errors import InvalidInputError

# Fewer price moves of ours than this say too little about the response to price on.
MIN_MOVES = 30
# A share under two standard errors is not told apart from none: pricing on it would tilt
# every quote, and every reason would name competitors that may not follow at all.
SIGNIFICANT = 2.0


@dataclass(frozen=True, slots=True)
class CompetitorResponse:
    """The share ``follow`` of a lasting price move of ours that competitors match within
    ``lags`` days, its standard error ``sd``, the product-days it was measured on
    (``observations``) and the price moves of ours among them (``moves``).

    ``follow`` is clipped to [0, 1] (a market moving against us or beyond us is not priced
    on); it is 0 when the histories hold too few moves of ours to tell, or when it is
    under two standard errors.

    Examples
    --------
    >>> CompetitorResponse(follow=0.4, sd=0.05, lags=7, observations=900, moves=120).elasticity(0.5)
    0.2
    >>> CompetitorResponse.none().elasticity(0.5)
    0.0
    """

    follow: float
    sd: float
    lags: int
    observations: int
    moves: int

    @classmethod
    def none(cls, lags: int = 7) -> CompetitorResponse:
        """No measured response: prices are set as if competitors stood still."""
        return cls(0.0, 0.0, lags, 0, 0)

    def elasticity(self, competitor_effect: float) -> float:
        """What the response adds to the own-price elasticity of a price held ``lags`` days,
        given demand's elasticity to the competitors' price (negative effects count as 0)."""
        return round(max(competitor_effect, 0.0) * self.follow, 6)

    def describe(self) -> str:
        """A short sentence for reasons and the dashboard."""
        if self.moves == 0:
            return "competitors' response not measured (too few price moves of ours)"
        if self.follow == 0:
            return (
                f"competitors do not measurably follow our price moves within {self.lags} "
                f"days ({self.moves} moves)"
            )
        return (
            f"competitors follow {self.follow:.0%} of our price moves within {self.lags} days "
            f"(±{self.sd:.0%}, {self.moves} moves)"
        )


def fit_competitor_response(frame: pd.DataFrame, *, lags: int = 7) -> CompetitorResponse:
    """Measure :class:`CompetitorResponse` from daily rows ``sku, day, price, competitor_price``.

    Days missing from a product's history break its changes there (no change is made up
    across a gap); rows without a competitor price are left out.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2026-01-01", periods=200)
    >>> ours = np.exp(np.cumsum(rng.choice([0, 0.05, -0.05], size=200, p=[0.8, 0.1, 0.1])))
    >>> theirs = np.exp(0.6 * np.log(np.roll(ours, 2)) + rng.normal(0, 0.01, 200))
    >>> rows = pd.DataFrame({"sku": "A", "day": days, "price": ours, "competitor_price": theirs})
    >>> response = fit_competitor_response(rows)
    >>> response.describe()
    'competitors follow 57% of our price moves within 7 days (±12%, 53 moves)'
    """
    if lags < 1:
        raise InvalidInputError(f"lags must be at least 1; got {lags}")
    missing = {"sku", "day", "price", "competitor_price"} - set(frame.columns)
    if missing:
        raise InvalidInputError(f"competitor response needs the columns {sorted(missing)}")
    rows = frame[["sku", "day", "price", "competitor_price"]]
    rows = rows[(rows["price"] > 0) & (rows["competitor_price"] > 0)]
    if rows.empty:
        return CompetitorResponse.none(lags)
    day = pd.to_datetime(rows["day"]).dt.normalize()
    # Days x products, every calendar day present so a missing day stays a gap (NaN).
    wide = (
        rows.assign(day=day)
        .pivot_table(index="day", columns="sku", values=["price", "competitor_price"])
        .reindex(pd.date_range(day.min(), day.max(), freq="D"))
    )
    ours = np.diff(np.log(wide["price"].to_numpy()), axis=0)
    theirs = np.diff(np.log(wide["competitor_price"].to_numpy()), axis=0)
    span = len(ours) - lags
    if span <= 0:
        return CompetitorResponse.none(lags)
    # Column l - 1 holds our change l days before each of the competitors' changes.
    lagged = np.stack([ours[lags - lag : lags - lag + span] for lag in range(1, lags + 1)], -1)
    target = theirs[lags:]
    usable = np.isfinite(target) & np.isfinite(lagged).all(axis=-1)
    x, y = lagged[usable], target[usable]
    moves = int(np.count_nonzero(np.abs(x[:, 0]) > 1e-9))  # our changes, seen at lag 1
    if moves < MIN_MOVES or len(y) <= lags + 1:
        return CompetitorResponse(0.0, 0.0, lags, len(y), 0)
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    sigma2 = float(resid @ resid) / (len(y) - design.shape[1])
    cov = sigma2 * np.linalg.pinv(design.T @ design)
    ones = np.r_[0.0, np.ones(lags)]
    follow = float(np.sum(coef[1:]))
    sd = float(np.sqrt(max(ones @ cov @ ones, 0.0)))
    if follow < SIGNIFICANT * sd:
        follow = 0.0  # indistinguishable from competitors who ignore us
    return CompetitorResponse(float(np.clip(follow, 0.0, 1.0)), sd, lags, len(y), moves)


__all__ = ["CompetitorResponse", "fit_competitor_response"]
