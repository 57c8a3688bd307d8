"""The three HTML pages, in French. They call the API from the browser with credentials."""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

from aws_lambda_powertools.event_handler import Response

from bank2xls.sessions import Caller
from bank2xls.settings import settings

PAGES = Path(__file__).with_name("pages")


@cache
def _template(name: str) -> str:
    layout = (PAGES / "layout.html").read_text()
    return layout.replace("{{content}}", (PAGES / f"{name}.html").read_text())


def page(name: str, caller: Caller, *, signed_in_only: bool = False) -> Response[str]:
    if signed_in_only and not caller.authenticated:
        return Response(status_code=302, headers={"Location": f"/?next=/{name}"}, body="")
    plans = {
        plan_id: {"credits": plan.credits, "amount": plan.amount, "currency": plan.currency, "name": plan.name}
        for plan_id, plan in settings().plans.items()
    }
    body = (
        _template(name)
        .replace("{{signed_in}}", "true" if caller.authenticated else "false")
        # JSON inside <script>: escaping "<" keeps "</script>" out of any value.
        .replace("{{plans}}", json.dumps(plans).replace("<", "\\u003c"))
        .replace("{{page}}", html.escape(name))
    )
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"},
        body=body,
    )
