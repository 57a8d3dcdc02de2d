"""Where a worker spends its time under load: py-spy samples folded into a short table.

Only used with ``--profile``; py-spy is a separate install (``pip install py-spy``) and
needs permission to read the worker's memory (root, or ptrace allowed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

_FRAME = re.compile(r"^(?P<name>.*?) \((?P<path>[^:()]+)(?::\d+)?\)$")


def worker_pids(server_pid: int) -> list[int]:
    """The server's child processes that are workers (not multiprocessing's helpers)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    workers = []
    for child in children:
        command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        if "resource_tracker" not in command:
            workers.append(int(child))
    return workers


def start_recording(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy in the background on ``pid`` for ``seconds``; ``None`` when not installed."""
    spy = shutil.which("py-spy") or str(Path(__import__("sys").executable).parent / "py-spy")
    if not Path(spy).exists():
        return None
    command = [
        spy,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(int(seconds)),
        "--rate",
        "200",
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _label(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["path"]
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['name']} ({path})"


def _package(label: str) -> str:
    path = label.rsplit("(", 1)[-1].rstrip(")")
    return path.split("/", 1)[0].removesuffix(".py")


def fold(collapsed: str, top: int = 15) -> dict[str, Any]:
    """Inclusive share of samples per project function and per library, from py-spy raw.

    Examples
    --------
    >>> text = "main (a.py);f (src/shopkeeper/x.py:3) 3\\nmain (a.py);g (site-packages/y.py:1) 1"
    >>> fold(text)["shopkeeper_inclusive_pct"]
    {'f (shopkeeper/x.py)': 75.0}
    """
    total = 0
    project: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_label(f) for f in stack.split(";")]
        for label in set(frames):
            if "shopkeeper/" in label:
                project[label] += count
        leaves[frames[-1]] += count
        for package in {_package(label) for label in frames}:
            packages[package] += count

    def pct(counter: Counter[str]) -> dict[str, float]:
        return {k: round(100 * v / total, 1) for k, v in counter.most_common(top)}

    if not total:
        return {"samples": 0}
    return {
        "samples": total,
        "shopkeeper_inclusive_pct": pct(project),
        "leaf_self_pct": pct(leaves),
        "package_inclusive_pct": pct(packages),
    }
