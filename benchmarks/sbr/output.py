"""Plain helpers of the session benchmark: grids, the machine line, the markdown table."""

from __future__ import annotations

import itertools
from typing import Any


def grid(space: dict[str, list[Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    usable = {key: values for key, values in space.items() if key in names}
    keys = sorted(usable)
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(usable[key] for key in keys))
    ]


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| model | P@20 % | MRR@20 % | fit s | latency mean ms | latency p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for short, row in results.items():
        lines.append(
            f"| {short} | {row['p@20']:.2f} | {row['mrr@20']:.2f} | {row['fit_s']:.2f} "
            f"| {row['latency_mean_ms']:.3f} | {row['latency_p99_ms']:.3f} |"
        )
    return "\n".join(lines)
