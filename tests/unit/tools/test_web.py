"""The dev console's router: fakes' routes by method and path template."""

from __future__ import annotations

import json

from tools.local.web import Request, Route, Router, json_reply


def echo(label: str):
    return lambda request: json_reply(200, {"route": label, "params": request.params, "query": request.query})


ROUTER = Router(
    [
        Route("POST", "/btcpay/invoices/{invoice}/settle", echo("settle")),
        Route("GET", "/btcpay/invoices/{invoice}", echo("one")),
        Route("GET", "/btcpay/invoices", echo("list")),
        Route("GET", "/cdn/{distribution}/{path+}", echo("cdn")),
    ]
)


def call(method: str, target: str) -> tuple[int, dict]:
    status, _, body, _ = ROUTER.dispatch(method, target, {}, b"")
    return status, json.loads(body)


def test_routes_by_method_and_template_with_decoded_params_and_query():
    assert call("GET", "/btcpay/invoices?limit=5") == (200, {"route": "list", "params": {}, "query": {"limit": "5"}})
    assert call("GET", "/btcpay/invoices/Ab%20c")[1]["params"] == {"invoice": "Ab c"}
    assert call("POST", "/btcpay/invoices/X/settle")[1]["route"] == "settle"
    assert call("GET", "/cdn/Files/a/b.jpg")[1]["params"] == {"distribution": "Files", "path": "a/b.jpg"}


def test_unknown_paths_are_404_and_other_methods_405():
    assert call("GET", "/nowhere")[0] == 404
    assert call("DELETE", "/btcpay/invoices")[0] == 405


def test_request_json_is_none_when_the_body_is_not_json():
    assert Request("POST", "/", {}, {}, b"{").json() is None
    assert Request("POST", "/", {}, {}, b"").json() == {}
