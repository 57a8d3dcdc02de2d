"""Taking the noise out of series that share a yearly shape: low-rank reconstruction per group.

The departments of a chain's stores (or the products of a category) rise and fall with the
same seasons; what one store sells on top of that shared shape in a given week is mostly
noise that will not repeat a year later. Keeping the first ``rank`` singular vectors of each
group's series×periods matrix keeps the shared shapes and each series' own mix of them, and
drops the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def denoise_by_group(wide: pd.DataFrame, groups: pd.Series, rank: int) -> pd.DataFrame:
    """Rank-``rank`` reconstruction of each group's rows of ``wide`` (series × periods).

    Missing cells (periods before a series started) count as 0 in the decomposition and stay
    missing in the result. Groups with no more than ``rank`` series are returned unchanged:
    their reconstruction would be exact anyway.

    Parameters
    ----------
    wide
        One row per series, one column per period.
    groups
        The group of each series, indexed like ``wide``'s rows.
    rank
        Singular vectors kept per group; ``0`` returns ``wide`` unchanged.

    Examples
    --------
    >>> shape = np.array([1.0, 3.0, 2.0, 5.0])
    >>> wide = pd.DataFrame([shape * 10 + [2, -2, 0, 0], shape * 20,
    ...                      shape * 30 - [2, -2, 0, 0]], index=["a", "b", "c"])
    >>> (wide / shape).round().loc["a"].tolist()  # store a: noise on the shared shape
    [12.0, 9.0, 10.0, 10.0]
    >>> denoised = denoise_by_group(wide, pd.Series("g", index=wide.index), rank=1)
    >>> (denoised / shape).round().loc["a"].tolist()  # back to 10 times the shape
    [10.0, 10.0, 10.0, 10.0]
    """
    if rank <= 0:
        return wide.copy()
    out = wide.copy()
    aligned = groups.reindex(wide.index)
    for _, members in aligned.groupby(aligned, sort=True).groups.items():
        if len(members) <= rank:
            continue
        block = wide.loc[members]
        matrix = block.fillna(0.0).to_numpy(dtype="float64")
        left, values, right = np.linalg.svd(matrix, full_matrices=False)
        rebuilt = (left[:, :rank] * values[:rank]) @ right[:rank]
        out.loc[members] = np.where(block.isna().to_numpy(), np.nan, rebuilt)
    return out
