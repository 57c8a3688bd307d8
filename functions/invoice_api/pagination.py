"""Laravel's LengthAwarePaginator as an API resource collection renders it: `links` and `meta`.

Page links keep the request's other query parameters (the filters, per_page), as Laravel's
`withQueryString()` does; `meta.links` follows Laravel's UrlWindow (3 pages on each side).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
ON_EACH_SIDE = 3
PREVIOUS, NEXT = "&laquo; Previous", "Next &raquo;"


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int
    count: int  # items on this page
    path: str  # absolute URL without query
    query: tuple[tuple[str, str], ...]  # the request's query parameters other than `page`

    @property
    def last(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def url(self, number: int) -> str:
        return f"{self.path}?{urlencode([*self.query, ('page', str(number))], quote_via=quote)}"

    def links(self) -> dict[str, str | None]:
        return {
            "first": self.url(1),
            "last": self.url(self.last),
            "prev": self.url(self.number - 1) if self.number > 1 else None,
            "next": self.url(self.number + 1) if self.number < self.last else None,
        }

    def meta(self) -> dict[str, Any]:
        first_item = self.offset + 1 if self.count else None
        return {
            "current_page": self.number,
            "from": first_item,
            "last_page": self.last,
            "links": self._link_collection(),
            "path": self.path,
            "per_page": self.per_page,
            "to": first_item + self.count - 1 if first_item else None,
            "total": self.total,
        }

    def _link_collection(self) -> list[dict[str, Any]]:
        links: list[dict[str, Any]] = [
            {"url": self.url(self.number - 1) if self.number > 1 else None, "label": PREVIOUS, "active": False}
        ]
        for element in self._elements():
            if element is None:
                links.append({"url": None, "label": "...", "active": False})
                continue
            links += [{"url": self.url(n), "label": str(n), "active": n == self.number} for n in element]
        links.append(
            {"url": self.url(self.number + 1) if self.number < self.last else None, "label": NEXT, "active": False}
        )
        return links

    def _elements(self) -> list[Sequence[int] | None]:
        """UrlWindow::get(), then LengthAwarePaginator::elements(): ranges of pages, None for "..."."""
        last, current = self.last, self.number
        if last < ON_EACH_SIDE * 2 + 8:
            return [range(1, last + 1)]
        window = ON_EACH_SIDE + 4
        start, finish = range(1, 3), range(last - 1, last + 1)
        if current <= window:
            return [range(1, window + ON_EACH_SIDE + 1), None, finish]
        if current > last - window:
            return [start, None, range(last - (window + ON_EACH_SIDE - 1), last + 1)]
        return [start, None, range(current - ON_EACH_SIDE, current + ON_EACH_SIDE + 1), None, finish]
