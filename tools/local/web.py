"""The dev console's small web layer: each fake exports its routes (`routes(...) -> list[Route]`), the console
serves their union. A route is a method and a path template (`/btcpay/invoices/{invoice}/settle`; `{path+}`
takes the rest of the path); its handler gets a Request and answers a Reply."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

Reply = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, other headers


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body as JSON ({} when empty), None when it is not JSON."""
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return None


Handler = Callable[[Request], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex))


class Router:
    def __init__(self, routes: Iterable[Route]) -> None:
        # Literal paths before templated ones, so /btcpay/invoices never reads as an invoice id.
        self.routes = sorted(routes, key=lambda route: route.path.count("{"))

    def dispatch(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        query = dict(parse_qsl(url.query))
        allowed = False
        for route in self.routes:
            found = route.pattern.fullmatch(url.path)
            if found is None:
                continue
            if route.method != method:
                allowed = True
                continue
            params = {name: unquote(value) for name, value in found.groupdict().items()}
            return route.handler(Request(method, url.path, query, headers, body, params))
        return (
            json_reply(405, {"detail": "Method Not Allowed"}) if allowed else json_reply(404, {"detail": "Not Found"})
        )


def json_reply(status: int, payload: Any) -> Reply:
    return status, "application/json", json.dumps(payload).encode(), {}


def html_reply(page: str, status: int = 200) -> Reply:
    return status, "text/html; charset=utf-8", page.encode(), {}


def answer(result: tuple[int, Any]) -> Reply:
    """A fake's `(status, body)` answer as JSON."""
    return json_reply(*result)


def page(title: str, body: str, lang: str = "en", subtitle: str = "") -> str:
    """A plain page in the console's look (checkout and hosted pages)."""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
        "button{font-size:1rem;padding:.5rem 1.5rem;cursor:pointer}</style></head>"
        f"<body><p><small>{html.escape(subtitle)}</small></p>{body}</body></html>"
    )
