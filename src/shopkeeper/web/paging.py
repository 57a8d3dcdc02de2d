"""Page numbers in list URLs, turned into offsets and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass
class Pager:
    """One page of a list: ``page`` counts from 1.

    Examples
    --------
    >>> p = Pager(2, 25).done(60, {"q": "tee"})
    >>> p.offset, p.first, p.last, p.next_url
    (25, 26, 50, '?q=tee&page=3')
    """

    page: int
    size: int
    count: int = 0
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.page = max(1, self.page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def done(self, count: int, params: dict[str, str]) -> Pager:
        self.count = count
        self.params = {k: v for k, v in params.items() if v}
        return self

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.count)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.count)

    def _url(self, page: int) -> str:
        return "?" + urlencode({**self.params, "page": page})

    @property
    def previous_url(self) -> str | None:
        return self._url(self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self._url(self.page + 1) if self.offset + self.size < self.count else None
