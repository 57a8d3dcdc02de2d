"""Load session-based recommendation splits into one shape, :class:`SbrData`.

Two formats are read:

- ``srgnn``: the SR-GNN / GCE-GNN files (``all_train_seq.json.gz``, a list of sessions, and
  ``test.json.gz``, ``{"sequences", "targets"}``). Test samples are already prefixes with
  their next item, so they are used as given.
- ``session-rec``: tab-separated ``SessionId ItemId Time`` files as prepared by session-rec
  (``*_train_full.txt`` and ``*_test.txt``). Following that framework's protocol, test clicks
  on items never seen in training are dropped, sessions left with fewer than two clicks are
  dropped, and every position of a test session predicts the click after it.

Items already in the session stay candidates in both formats (people do go back to an item).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopkeeper.ai.recommend.sessions import SessionLog


@dataclass(frozen=True)
class SbrData:
    """A training log and test samples: each test prefix should be followed by its target.

    ``test_times`` (one per prefix, epoch seconds) is set when the format carries time, so
    recency-aware models can be asked "as of" the moment of the prefix.

    Examples
    --------
    >>> data = SbrData(SessionLog(sessions=(("1", "2"),)), [("1",)], ["2"], "toy")
    >>> data.n_test
    1
    """

    train: SessionLog
    test_prefixes: list[tuple[str, ...]]
    test_targets: list[str]
    name: str
    test_times: list[float] | None = None

    @property
    def n_test(self) -> int:
        return len(self.test_targets)


def _read_json(path: Path) -> Any:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _strs(items: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(item) for item in items)


def prefix_samples(
    sessions: Sequence[tuple[str, ...]], times: Sequence[float] | None = None
) -> tuple[list[tuple[str, ...]], list[str], list[float] | None]:
    """Every position of every session predicts the next item: ``s[:i]`` -> ``s[i]``.

    >>> prefix_samples([("a", "b", "c")])[:2]
    ([('a',), ('a', 'b')], ['b', 'c'])
    """
    prefixes: list[tuple[str, ...]] = []
    targets: list[str] = []
    stamps: list[float] | None = [] if times is not None else None
    for index, session in enumerate(sessions):
        for cut in range(1, len(session)):
            prefixes.append(session[:cut])
            targets.append(session[cut])
            if stamps is not None and times is not None:
                stamps.append(times[index])
    return prefixes, targets, stamps


def load_srgnn(folder: Path | str, name: str | None = None) -> SbrData:
    """Read the SR-GNN format (``all_train_seq.json.gz`` and ``test.json.gz``)."""
    folder = Path(folder)
    train_raw = _read_json(_first(folder, "all_train_seq.json.gz", "all_train_seq.json"))
    test_raw = _read_json(_first(folder, "test.json.gz", "test.json"))
    sessions = tuple(_strs(session) for session in train_raw if len(session) > 0)
    prefixes = [_strs(seq) for seq in test_raw["sequences"]]
    targets = [str(target) for target in test_raw["targets"]]
    if len(prefixes) != len(targets):
        raise ValueError(f"{len(prefixes)} test sequences but {len(targets)} targets")
    return SbrData(SessionLog(sessions=sessions), prefixes, targets, name or folder.name)


def _first(folder: Path, *names: str) -> Path:
    for candidate in names:
        if (folder / candidate).is_file():
            return folder / candidate
    raise FileNotFoundError(f"none of {', '.join(names)} in {folder}")


def read_session_rec(path: Path) -> tuple[list[tuple[str, ...]], list[float]]:
    """Sessions (clicks ordered by time) and each session's last time, sessions by start."""
    clicks: dict[str, list[tuple[float, int, str]]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            # The line number keeps the file order for clicks with the same timestamp.
            clicks.setdefault(row["SessionId"], []).append(
                (float(row["Time"]), line, str(row["ItemId"]))
            )
    ordered = sorted(clicks.values(), key=lambda rows: min(rows)[:2])
    sessions = [tuple(item for _, _, item in sorted(rows)) for rows in ordered]
    return sessions, [max(rows)[0] for rows in ordered]


def load_session_rec(folder: Path | str, name: str | None = None) -> SbrData:
    """Read session-rec TSV files: ``*_train_full.txt`` for training, ``*_test.txt`` for test."""
    folder = Path(folder)
    train_path = _one(folder, "*_train_full.txt")
    test_path = _one(folder, "*_test.txt")
    train_sessions, train_times = read_session_rec(train_path)
    known = {item for session in train_sessions for item in session}
    test_sessions, test_times = read_session_rec(test_path)
    kept: list[tuple[str, ...]] = []
    kept_times: list[float] = []
    for session, moment in zip(test_sessions, test_times, strict=True):
        session = tuple(item for item in session if item in known)
        if len(session) >= 2:
            kept.append(session)
            kept_times.append(moment)
    prefixes, targets, stamps = prefix_samples(kept, kept_times)
    log = SessionLog(sessions=tuple(train_sessions), times=tuple(train_times))
    return SbrData(log, prefixes, targets, name or folder.name, stamps)


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {pattern} in {folder}, found {len(found)}")
    return found[0]


def load(folder: Path | str, fmt: str | None = None, name: str | None = None) -> SbrData:
    """Load ``folder`` in format ``fmt`` (``srgnn`` or ``session-rec``; guessed when None)."""
    folder = Path(folder)
    if fmt is None:
        fmt = "srgnn" if any(folder.glob("all_train_seq.json*")) else "session-rec"
    if fmt == "srgnn":
        return load_srgnn(folder, name)
    if fmt == "session-rec":
        return load_session_rec(folder, name)
    raise ValueError(f"unknown format {fmt!r}; use srgnn or session-rec")


def tune_split(train: SessionLog, share: float = 0.1) -> SbrData:
    """Hold out the last ``share`` of training sessions (in log order) for tuning.

    The held-out sessions become prefix samples like the test set; clicks on items the
    remaining training sessions never saw are dropped, as the session-rec protocol does.
    The test file is never touched, so settings chosen here can be committed honestly.

    >>> log = SessionLog(sessions=(("a", "b"),) * 9 + (("a", "b", "a"),))
    >>> split = tune_split(log)
    >>> len(split.train), split.test_prefixes, split.test_targets
    (9, [('a',), ('a', 'b')], ['b', 'a'])
    """
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    cut = len(train) - max(1, round(len(train) * share))
    fit_sessions = train.sessions[:cut]
    known = {item for session in fit_sessions for item in session}
    held: list[tuple[str, ...]] = []
    held_times: list[float] = []
    for index in range(cut, len(train)):
        session = tuple(item for item in train.sessions[index] if item in known)
        if len(session) >= 2:
            held.append(session)
            held_times.append(train.times[index] if train.times is not None else 0.0)
    prefixes, targets, stamps = prefix_samples(held, held_times)
    fit_times = train.times[:cut] if train.times is not None else None
    return SbrData(
        SessionLog(sessions=fit_sessions, times=fit_times),
        prefixes,
        targets,
        "validation",
        stamps if train.times is not None else None,
    )
