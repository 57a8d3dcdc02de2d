"""Named random streams and deterministic identifiers for the demo shop.

Each part of the generator draws from its own stream, keyed by the seed and a
name. Switching one effect off then changes only what depends on it: the
weather of an ablated shop is the same weather, only its effect is gone.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator fixed by ``seed`` and ``name``, independent of the others."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def uuid4_strings(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` version-4 UUID strings drawn from ``rng`` (so reproducible)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    # The version nibble and variant bits make them valid RFC 4122 v4 UUIDs.
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = raw.tobytes().hex()
    out: list[str] = []
    for i in range(n):
        h = text[32 * i : 32 * i + 32]
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def hex_ids(rng: np.random.Generator, n: int, prefix: str, width: int = 16) -> list[str]:
    """``n`` opaque identifiers such as ``sess-3fa9...`` (collisions are negligible)."""
    raw = rng.integers(0, 256, size=(n, width // 2), dtype=np.uint8).tobytes().hex()
    return [prefix + raw[width * i : width * (i + 1)] for i in range(n)]
