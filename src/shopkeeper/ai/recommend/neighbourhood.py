"""The session index and neighbour search shared by the session-kNN recommenders.

V-SKNN and STAN differ only in how they weigh things: which items of the current session
count most, how similarity is normalised, whether old neighbours fade, and how a neighbour's
items are scored. Finding candidate sessions and adding up their votes is the same work, so
it lives here once, in numpy, to keep a request near a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.registry import Sample
from shopkeeper.domain.explanation import Explanation, Factor


@dataclass(frozen=True)
class SessionIndex:
    """Past sessions as arrays, with each item's sessions listed most recent first.

    Sessions are renumbered oldest first, so a larger session id is a more recent session
    and "the most recent sessions" is "the largest ids" everywhere below.

    Examples
    --------
    >>> index = SessionIndex.build(SessionLog(sessions=(("A", "B", "A"), ("B", "C"))))
    >>> index.skus, [int(s) for s in index.sessions_of(index.item_ids["B"], 10)]
    (('A', 'B', 'C'), [1, 0])
    """

    skus: tuple[str, ...]  # item id -> sku
    item_ids: dict[str, int]
    offsets: np.ndarray  # distinct items of session s: items[offsets[s]:offsets[s + 1]]
    items: np.ndarray
    positions: np.ndarray  # 0-based position of the item's last occurrence in its session
    lengths: np.ndarray  # distinct items per session
    times: np.ndarray  # per session, non-decreasing
    posting_offsets: np.ndarray  # sessions of item i: posting[posting_offsets[i]:...[i + 1]]
    posting: np.ndarray
    posting_positions: np.ndarray  # the item's position within each of those sessions
    idf: np.ndarray  # log(sessions / sessions holding the item)

    @classmethod
    def build(cls, log: SessionLog) -> SessionIndex:
        """Index ``log``; without times the order of the log stands for time."""
        count = len(log)
        times = (
            np.arange(count, dtype=np.float64)
            if log.times is None
            else np.asarray(log.times, dtype=np.float64)
        )
        order = np.argsort(times, kind="stable")
        item_ids: dict[str, int] = {}
        flat_items: list[int] = []
        flat_positions: list[int] = []
        lengths = np.zeros(count, dtype=np.int64)
        for new_id, old_id in enumerate(order.tolist()):
            last: dict[int, int] = {}
            for position, sku in enumerate(log.sessions[old_id]):
                last[item_ids.setdefault(sku, len(item_ids))] = position
            flat_items.extend(last)
            flat_positions.extend(last.values())
            lengths[new_id] = len(last)
        offsets = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        items = np.asarray(flat_items, dtype=np.int64)
        positions = np.asarray(flat_positions, dtype=np.float64)
        session_of = np.repeat(np.arange(count, dtype=np.int64), lengths)
        # Per item, newest session first: sort by item, then by descending session id.
        by_item = np.lexsort((-session_of, items))
        frequency = np.bincount(items, minlength=len(item_ids))
        posting_offsets = np.zeros(len(item_ids) + 1, dtype=np.int64)
        np.cumsum(frequency, out=posting_offsets[1:])
        return cls(
            skus=tuple(item_ids),
            item_ids=item_ids,
            offsets=offsets,
            items=items,
            positions=positions,
            lengths=lengths.astype(np.float64),
            times=times[order],
            posting_offsets=posting_offsets,
            posting=session_of[by_item],
            posting_positions=positions[by_item],
            idf=np.log(max(count, 1) / np.maximum(frequency, 1)).astype(np.float64),
        )

    def sessions_of(self, item: int, limit: int) -> np.ndarray:
        """The ``limit`` most recent sessions holding ``item``."""
        start = self.posting_offsets[item]
        return self.posting[start : min(start + limit, self.posting_offsets[item + 1])]

    def known(self, session: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Distinct known items of ``session`` and their last positions, oldest first.

        Unknown items are dropped but still count for the position of the later ones.
        """
        last: dict[int, int] = {}
        for position, sku in enumerate(session):
            item = self.item_ids.get(sku)
            if item is not None:
                last.pop(item, None)  # re-insert so dict order follows the last occurrence
                last[item] = position
        return (
            np.fromiter(last, dtype=np.int64, count=len(last)),
            np.fromiter(last.values(), dtype=np.float64, count=len(last)),
        )


@dataclass(frozen=True)
class Candidates:
    """Sessions sharing items with the current one, before any are chosen as neighbours.

    ``overlap`` is the summed weight of the current items each session holds; ``match`` is
    the position, within that session, of the most recent current item it shares.
    """

    sessions: np.ndarray
    overlap: np.ndarray
    match: np.ndarray


def find_candidates(
    index: SessionIndex, items: np.ndarray, weights: np.ndarray, sample_size: int
) -> Candidates:
    """The ``sample_size`` most recent sessions holding any of ``items``.

    ``items`` are the current session's distinct known items, oldest first.
    """
    starts = index.posting_offsets[items]
    ends = np.minimum(starts + sample_size, index.posting_offsets[items + 1])
    sizes = ends - starts
    flat = _ranges(starts, sizes)
    sessions = index.posting[flat]
    unique, inverse = np.unique(sessions, return_inverse=True)
    overlap = np.bincount(inverse, weights=np.repeat(weights, sizes), minlength=len(unique))
    # A session's match is the pair whose current item is the most recent one it holds.
    recency = np.repeat(np.arange(len(items)), sizes)
    latest = np.full(len(unique), -1, dtype=np.int64)
    np.maximum.at(latest, inverse, recency)
    chosen = recency == latest[inverse]
    match = np.empty(len(unique), dtype=np.float64)
    match[inverse[chosen]] = index.posting_positions[flat[chosen]]
    if len(unique) > sample_size:
        return Candidates(unique[-sample_size:], overlap[-sample_size:], match[-sample_size:])
    return Candidates(unique, overlap, match)


def top_neighbours(sessions: np.ndarray, similarity: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the ``k`` most similar sessions; ties go to the more recent one."""
    if len(similarity) > k:
        # Cheap pre-cut, then an exact tie-safe order on what is left.
        threshold = np.partition(similarity, len(similarity) - k)[len(similarity) - k]
        kept = np.flatnonzero(similarity >= threshold)
    else:
        kept = np.arange(len(similarity))
    order = np.lexsort((-sessions[kept], -similarity[kept]))
    return kept[order[:k]]


def neighbour_items(index: SessionIndex, sessions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions into ``index.items`` of the neighbours' items, and the item counts."""
    starts = index.offsets[sessions]
    sizes = index.offsets[sessions + 1] - starts
    return _ranges(starts, sizes), sizes


def rank_items(
    index: SessionIndex, items: np.ndarray, votes: np.ndarray, k: int, exclude: frozenset[str]
) -> Ranking:
    """Sum ``votes`` per item and answer the ``k`` best (ties by sku order in the index)."""
    unique, inverse = np.unique(items, return_inverse=True)
    scores = np.bincount(inverse, weights=votes, minlength=len(unique))
    order = np.lexsort((unique, -scores))
    found: list[ScoredSku] = []
    for position in order.tolist():
        if len(found) == k or scores[position] <= 0:
            break
        sku = index.skus[unique[position]]
        if sku not in exclude:
            found.append(ScoredSku(sku, float(scores[position])))
    return tuple(found)


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    # Concatenated arange(start, start + size) for each pair, without a Python loop.
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shifts = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
    return shifts + np.arange(total, dtype=np.int64)


@dataclass(frozen=True)
class Votes:
    """What the chosen neighbours vote for, kept so an answer can be explained.

    ``items[j]`` gets ``votes[j]`` from neighbour ``voter[j]`` (an index into
    ``neighbours``); ``current`` and ``weights`` are the current session's known items and
    how much each counted when similarities were taken.
    """

    neighbours: np.ndarray
    items: np.ndarray
    votes: np.ndarray
    voter: np.ndarray
    current: np.ndarray
    weights: np.ndarray

    @classmethod
    def none(cls) -> Votes:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, np.zeros(0), empty, empty, np.zeros(0))


def explain_votes(index: SessionIndex, votes: Votes, prediction: Ranking) -> Explanation:
    """Name the viewed item behind most of ``prediction``'s score, and the neighbour count.

    Each neighbour's votes for the answered items are shared among the current items it
    holds, in proportion to their weight in the similarity that made it a neighbour.
    """
    if not prediction:
        return Explanation("No earlier session shares an item with this one; nothing to add.")
    answered = np.fromiter((index.item_ids[s.sku] for s in prediction), dtype=np.int64)
    useful = np.isin(votes.items, answered)
    per_neighbour = np.bincount(
        votes.voter[useful], weights=votes.votes[useful], minlength=len(votes.neighbours)
    )
    weight_of = dict(zip(votes.current.tolist(), votes.weights.tolist(), strict=True))
    credit = dict.fromkeys(weight_of, 0.0)
    for session, given in zip(votes.neighbours.tolist(), per_neighbour.tolist(), strict=True):
        held = [
            i
            for i in index.items[index.offsets[session] : index.offsets[session + 1]].tolist()
            if i in weight_of
        ]
        total = sum(weight_of[i] for i in held)
        for item in held:
            credit[item] += given * weight_of[item] / total if total > 0 else 0.0
    grand = sum(credit.values()) or 1.0
    ranked = sorted(credit, key=lambda i: (-credit[i], i))
    shares = [
        Factor(f"viewed:{index.skus[i]}", round(credit[i] / grand, 4), "share of the score")
        for i in ranked[:3]
        if credit[i] > 0
    ]
    count = len(votes.neighbours)
    factors = (
        *shares,
        Factor("similar_sessions", float(count), f"{count} earlier sessions with the same items"),
    )
    summary = (
        f"Because you viewed {index.skus[ranked[0]]}: {count} similar sessions "
        f"went on to {prediction[0].sku} and the others."
    )
    return Explanation(summary, factors)


def credit_votes(index: SessionIndex, votes: Votes, prediction: Ranking) -> dict[str, str]:
    """For each answered sku, the current item whose neighbours gave it the most votes.

    The per-item form of :func:`explain_votes`: a neighbour's vote for an item is shared
    among the current items it holds, in proportion to their similarity weight. Ties go
    to the current item with the smaller id. Done in numpy on every request, so every sum
    runs in the order a plain loop over the votes would take (``bincount`` adds in array
    order): the same floats, so the same winners, as the loop this replaced.
    """
    answered = [index.item_ids[s.sku] for s in prediction if s.sku in index.item_ids]
    if not answered:
        return {}
    useful = np.flatnonzero(np.isin(votes.items, np.asarray(answered, dtype=np.int64)))
    if not len(useful):
        return {}
    voters = votes.voter[useful]
    # Current items in id order: a column per item, so argmax's first hit is the smaller id.
    by_id = np.argsort(votes.current, kind="stable")
    current = votes.current[by_id]
    weight = votes.weights[by_id]
    # Which current items each voting neighbour holds, in the neighbour's own item order.
    needed = np.unique(voters)
    flat, sizes = neighbour_items(index, votes.neighbours[needed])
    held = index.items[flat]
    slot = np.minimum(np.searchsorted(current, held), len(current) - 1)
    holds = current[slot] == held
    owner = np.repeat(np.arange(len(needed)), sizes)[holds]
    column = slot[holds]
    total = np.bincount(owner, weights=weight[column], minlength=len(needed))
    shared = total[owner] > 0  # a neighbour whose current items weigh nothing shares nothing
    owner, column = owner[shared], column[shared]
    share = weight[column] / total[owner]
    counts = np.bincount(owner, minlength=len(needed))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # One (answered item, current item) cell per vote and member, votes in their order.
    of_voter = np.searchsorted(needed, voters)
    per_vote = counts[of_voter]
    member = _ranges(starts[of_voter], per_vote)
    vote_of = np.repeat(np.arange(len(useful)), per_vote)
    items, first, row_of = np.unique(votes.items[useful], return_index=True, return_inverse=True)
    credit = np.bincount(
        row_of[vote_of] * len(current) + column[member],
        weights=votes.votes[useful][vote_of] * share[member],
        minlength=len(items) * len(current),
    ).reshape(len(items), len(current))
    best = credit.argmax(axis=1)
    return {
        index.skus[int(items[row])]: index.skus[int(current[best[row]])]
        for row in np.argsort(first, kind="stable").tolist()
        if credit[row, best[row]] > 0
    }


def session_sample(seed: int) -> Sample:
    """Random sessions over 15 skus for the contract checks, with a few queries."""
    rng = np.random.default_rng(seed)
    skus = [f"SKU-{i:02d}" for i in range(15)]
    sessions = tuple(
        tuple(skus[int(j)] for j in rng.integers(len(skus), size=int(rng.integers(2, 6))))
        for _ in range(60)
    )
    times = tuple(float(t) for t in np.sort(rng.uniform(0, 86_400 * 30, size=len(sessions))))
    queries = (
        SessionQuery(items=(skus[0], skus[3]), k=5),
        SessionQuery(items=(skus[5],), k=3, exclude=frozenset(skus[:4])),
        SessionQuery(items=("NEVER-SEEN",), k=4),
        SessionQuery(items=(skus[7], "NEVER-SEEN", skus[7], skus[2]), k=10),
    )
    return Sample(data=SessionLog(sessions=sessions, times=times), queries=queries)
