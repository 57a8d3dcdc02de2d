"""Where a conversation stands between two messages: the task, what is known, what was asked."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The details a conversation keeps once the customer proved who they are: a follow-up
# question about the same order ("and the invoice?") needs no second check.
IDENTITY_SLOTS = ("order_number", "email", "postcode")


@dataclass
class DialogueState:
    """The dialogue's memory, stored (encrypted) with the conversation.

    Examples
    --------
    >>> state = DialogueState(language="en", task="cancel_order", slots={"order_number": "12"})
    >>> DialogueState.from_json(state.to_json()) == state
    True
    """

    language: str = "fr"
    task: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    awaiting: str | None = None
    verified_order: str | None = None
    misunderstood: int = 0
    mismatches: int = 0
    # The last policy question answered: a follow-up ("et pour la Suisse ?") builds on it.
    last_question: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> DialogueState:
        if not value:
            return cls()
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def start(self, task: str | None) -> None:
        """Begin ``task`` (``None``: the task is over), keeping only who the customer is."""
        self.task = task
        self.awaiting = None
        self.misunderstood = 0
        self.slots = {k: v for k, v in self.slots.items() if k in IDENTITY_SLOTS}
