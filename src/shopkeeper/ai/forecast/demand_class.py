"""Kinds of demand after Syntetos, Boylan and Croston (2005): ADI and CV².

ADI is the average number of periods between two non-zero sales; CV² the squared
coefficient of variation of the non-zero sizes. The cut-offs 1.32 and 0.49 are theirs.
Intermittent and lumpy series (ADI >= 1.32) get Croston-type models; the others get
ETS, Theta and naive models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49


@dataclass(frozen=True, slots=True)
class DemandClass:
    """How often and how regularly a series sells.

    Examples
    --------
    >>> classify([0, 0, 3, 0, 0, 2, 0, 0, 3, 0]).kind
    'intermittent'
    >>> classify([5, 6, 5, 7, 6]).kind
    'smooth'
    """

    adi: float
    cv2: float
    kind: str  # "smooth", "erratic", "intermittent", "lumpy", "no_demand"

    @property
    def is_intermittent(self) -> bool:
        """True when zeros dominate: Croston, ADIDA and TSB are the candidates."""
        return self.kind in ("intermittent", "lumpy")


def classify(values: np.ndarray | list[float]) -> DemandClass:
    """The demand class of one history (negative values count by their size)."""
    y = np.abs(np.asarray(values, dtype="float64"))
    nonzero = y[y > 0]
    if not len(nonzero):
        return DemandClass(adi=float(len(y)), cv2=0.0, kind="no_demand")
    adi = len(y) / len(nonzero)
    mean = float(nonzero.mean())
    cv2 = float(nonzero.var() / mean**2) if len(nonzero) > 1 else 0.0
    sparse, variable = adi >= ADI_CUTOFF, cv2 >= CV2_CUTOFF
    kind = {
        (False, False): "smooth",
        (False, True): "erratic",
        (True, False): "intermittent",
        (True, True): "lumpy",
    }[(sparse, variable)]
    return DemandClass(adi=float(adi), cv2=cv2, kind=kind)
