"""Training of :class:`~shopkeeper.ai.recommend.neural.NeuralSessionRecommender` with torch.

Only ``fit`` needs this module (and torch, the ``[neural]`` extra). What it learns is handed
back as numpy arrays, so a fitted model answers, pickles and reloads without torch.

The network reads a session as its item embeddings plus a learned embedding of each click's
distance from the end, pools them with attention steered by the last click and the session
mean (the read-out of SR-GNN and GCE-GNN, without the graph), and scores every item by the
cosine between the session and the item, times a temperature ("normalised item and session
embeddings", NISER; Gupta et al. 2019). Normalising stops popular items from winning by
embedding length alone, which is what lifts this kind of model on Diginetica.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# OpenMP threads that spin while waiting make training several times slower when other
# processes share the cores (measured: 2.0 s instead of 0.25 s a step); passive waiting
# costs nothing on an idle machine. Only effective before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812


@dataclass(frozen=True)
class TrainSettings:
    """The hyperparameters training needs, copied from the model."""

    dim: int
    epochs: int
    batch_size: int
    learning_rate: float
    lr_decay: float
    temperature: float
    dropout: float
    max_length: int
    seed: int
    negatives: int


class SessionNet(nn.Module):
    """Attention read-out over normalised item embeddings, cosine scores over all items."""

    def __init__(self, n_items: int, dim: int, max_length: int, dropout: float) -> None:
        super().__init__()
        self.items = nn.Embedding(n_items + 1, dim, padding_idx=0)  # row 0 pads
        self.positions = nn.Embedding(max_length, dim)  # 0 = the last click
        self.mix = nn.Linear(2 * dim, dim)
        self.from_item = nn.Linear(dim, dim, bias=False)
        self.from_mean = nn.Linear(dim, dim, bias=False)
        self.from_last = nn.Linear(dim, dim)
        self.attend = nn.Linear(dim, 1, bias=False)
        self.combine = nn.Linear(2 * dim, dim, bias=False)
        self.dropout = nn.Dropout(dropout)
        std = 1.0 / np.sqrt(dim)
        for parameter in self.parameters():
            nn.init.uniform_(parameter, -std, std)

    def encode(self, batch: torch.Tensor) -> torch.Tensor:
        """Session vectors (unit length) for ``batch``: item ids, left-padded with 0."""
        mask = (batch > 0).unsqueeze(-1).float()
        items = self.dropout(F.normalize(self.items(batch), dim=-1)) * mask
        length = batch.shape[1]
        distance = torch.arange(length - 1, -1, -1, device=batch.device)
        hidden = torch.tanh(
            self.mix(torch.cat([items, self.positions(distance).expand_as(items)], -1))
        )
        last = items[:, -1]
        mean = items.sum(1) / mask.sum(1).clamp(min=1.0)
        gate = torch.sigmoid(
            self.from_item(hidden)
            + self.from_mean(mean).unsqueeze(1)
            + self.from_last(last).unsqueeze(1)
        )
        weights = self.attend(gate) * mask
        pooled = (weights * items).sum(1)
        return F.normalize(self.combine(torch.cat([pooled, last], -1)), dim=-1)

    def forward(
        self, batch: torch.Tensor, temperature: float, columns: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Scores of every item (0-based), or only of the item ids in ``columns``."""
        rows = self.items.weight[1:] if columns is None else self.items(columns + 1)
        return temperature * self.encode(batch) @ F.normalize(rows, dim=-1).T


def sampled_loss(
    net: SessionNet,
    batch: torch.Tensor,
    targets: torch.Tensor,
    negatives: torch.Tensor,
    log_q: torch.Tensor,
    temperature: float,
) -> torch.Tensor:
    """Softmax over the batch's targets plus shared sampled negatives, corrected by log q.

    Scoring a few thousand items instead of the whole catalogue makes a step many times
    cheaper; subtracting the log of each item's sampling probability keeps the estimate
    close to the full softmax (Bengio & Senecal 2008), so popular items are not over-punished.
    """
    columns, label = torch.unique(targets, return_inverse=True)
    columns = torch.cat([columns, negatives])
    logits = net(batch, temperature, columns) - log_q[columns]
    # A sampled copy of a row's own target is not a negative for that row.
    clash = columns.unsqueeze(0) == targets.unsqueeze(1)
    clash[torch.arange(len(targets)), label] = False
    return F.cross_entropy(logits.masked_fill(clash, float("-inf")), label)


def padded_prefixes(sessions: list[list[int]], max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every prefix of every session (its last ``max_length`` clicks), left-padded; targets.

    Item ids start at 1; a target is returned 0-based, as the score columns are.

    >>> inputs, targets = padded_prefixes([[1, 2, 3]], 2)
    >>> inputs.tolist(), targets.tolist()
    ([[0, 1], [1, 2]], [1, 2])
    """
    count = sum(max(len(s) - 1, 0) for s in sessions)
    inputs = np.zeros((count, max_length), dtype=np.int64)
    targets = np.zeros(count, dtype=np.int64)
    row = 0
    for session in sessions:
        for cut in range(1, len(session)):
            prefix = session[max(0, cut - max_length) : cut]
            inputs[row, max_length - len(prefix) :] = prefix
            targets[row] = session[cut] - 1
            row += 1
    return inputs, targets


def train(
    sessions: list[list[int]], n_items: int, settings: TrainSettings
) -> dict[str, np.ndarray]:
    """Fit the network on every prefix -> next item of ``sessions``; its weights as numpy."""
    # Two threads pay off on a large item table; on a small one every step is so short that
    # waiting for the second thread (on a busy machine) costs more than it saves.
    torch.set_num_threads(2 if n_items * settings.dim >= 1_000_000 else 1)
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    inputs, targets = padded_prefixes(sessions, settings.max_length)
    # Rows sorted by prefix length let a batch drop the padding columns nobody in it uses.
    lengths = (inputs > 0).sum(1)
    net = SessionNet(n_items, settings.dim, settings.max_length, settings.dropout)
    optimiser = torch.optim.Adam(net.parameters(), lr=settings.learning_rate)
    schedule = torch.optim.lr_scheduler.ExponentialLR(optimiser, gamma=settings.lr_decay)
    counts = np.bincount(targets, minlength=n_items).astype(np.float64) + 1.0
    share = counts / counts.sum()
    cumulative = np.cumsum(share)
    log_q = torch.from_numpy(np.log(share).astype(np.float32))
    net.train()
    for _ in range(settings.epochs):
        order = rng.permutation(len(targets))
        for start in range(0, len(order), settings.batch_size):
            rows = order[start : start + settings.batch_size]
            width = max(int(lengths[rows].max()), 1)
            batch = torch.from_numpy(inputs[rows, settings.max_length - width :])
            wanted = torch.from_numpy(targets[rows])
            if 0 < settings.negatives < n_items:
                # Negatives drawn by popularity, like the in-batch targets they join.
                drawn = np.searchsorted(cumulative, rng.random(settings.negatives) * cumulative[-1])
                negatives = torch.from_numpy(np.minimum(drawn, n_items - 1).astype(np.int64))
                loss = sampled_loss(net, batch, wanted, negatives, log_q, settings.temperature)
            else:
                loss = F.cross_entropy(net(batch, settings.temperature), wanted)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
        schedule.step()
    net.eval()
    return {name: value.detach().numpy().copy() for name, value in net.state_dict().items()}
