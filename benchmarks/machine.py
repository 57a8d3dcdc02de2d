"""The machine a benchmark ran on, as every results file records it."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def cpu_name() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """One line: system, cores, processor and Python version."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu_name()}, "
        f"Python {platform.python_version()}"
    )


def machine_info() -> dict[str, Any]:
    """The machine, the Python version and when, as separate fields."""
    return {
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu_name()}",
        "python": platform.python_version(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
