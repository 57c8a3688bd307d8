import base64
import json

from tools.local.gateway import LAMBDA_MAX_EVENT, build_event, handle, match_route
from tools.local.template import HttpApi, Route

API = HttpApi(
    "DemoApi",
    0,
    {"AllowOrigins": ["*"], "AllowMethods": ["GET", "POST"], "AllowHeaders": ["content-type"]},
    [
        Route("GET", "/items/{id}", "Item"),
        Route("POST", "/items", "Create"),
        Route("ANY", "$default", "Default"),
    ],
)


def test_routes_by_method_and_path_then_default():
    assert match_route(API, "GET", "/items/42") == (API.routes[0], {"id": "42"})
    assert match_route(API, "POST", "/items")[0].function == "Create"
    assert match_route(API, "DELETE", "/items/42")[0].function == "Default"


def test_event_is_http_api_v2_with_peer_ip_cookies_and_joined_query():
    event = build_event(
        API.routes[0],
        {"id": "1"},
        "GET",
        "/items/1?a=1&a=2&b=",
        [("Cookie", "x=1; y=2"), ("X-Forwarded-For", "6.6.6.6"), ("Accept", "a"), ("accept", "b")],
        b"",
        "10.1.2.3",
        "localhost",
    )
    assert event["version"] == "2.0" and event["routeKey"] == "GET /items/{id}"
    assert event["requestContext"]["http"]["sourceIp"] == "10.1.2.3"
    assert event["cookies"] == ["x=1", "y=2"] and "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["headers"]["accept"] == "a,b"
    assert "body" not in event


def test_binary_and_form_bodies_are_base64_text_is_not():
    def body_of(content_type, data):
        return build_event(API.routes[1], {}, "POST", "/items", [("Content-Type", content_type)], data, "::1", "h")

    assert body_of("application/json", b'{"a":1}')["isBase64Encoded"] is False
    form = body_of("application/x-www-form-urlencoded", b'{"a":1}')
    assert form["isBase64Encoded"] is True and base64.b64decode(form["body"]) == b'{"a":1}'
    assert body_of("multipart/form-data; boundary=x", b"\xff")["isBase64Encoded"] is True


def test_oversized_events_are_refused_before_any_function_runs():
    calls = []
    response = handle(
        API,
        lambda fn, ev: calls.append(fn) or {},
        "POST",
        "/items",
        [("Content-Type", "application/octet-stream")],
        b"x" * (LAMBDA_MAX_EVENT * 3 // 4 + 1),
        "::1",
        "h",
    )
    assert response.status == 413 and calls == []
    assert json.loads(response.body) == {"message": "Request Entity Too Large"}


def test_function_errors_are_a_bare_500_and_cors_headers_come_from_the_api():
    def failing(fn, ev):
        raise RuntimeError("boom")

    response = handle(API, failing, "GET", "/items/1", [("Origin", "http://a.test")], b"", "::1", "h")
    assert response.status == 500 and b"boom" not in response.body

    def ok(fn, ev):
        return {"statusCode": 201, "headers": {"Access-Control-Allow-Origin": "http://evil"}, "body": "{}"}

    response = handle(API, ok, "GET", "/items/1", [("Origin", "http://a.test")], b"", "::1", "h")
    assert ("Access-Control-Allow-Origin", "*") in response.headers
    assert ("Access-Control-Allow-Origin", "http://evil") not in response.headers


def test_preflight_is_answered_by_the_gateway():
    response = handle(
        API,
        lambda fn, ev: {},
        "OPTIONS",
        "/items",
        [("Origin", "http://a.test"), ("Access-Control-Request-Method", "POST")],
        b"",
        "::1",
        "h",
    )
    assert response.status == 204
    assert ("Access-Control-Allow-Headers", "content-type") in response.headers


def test_with_credentials_only_listed_origins_are_echoed_and_the_function_runs_no_preflight():
    api = HttpApi(
        "CredentialsApi",
        0,
        {
            "AllowOrigins": ["http://app.test"],
            "AllowCredentials": True,
            "AllowMethods": ["GET"],
            "AllowHeaders": ["x-idempotency-key"],
            "ExposeHeaders": ["x-ratelimit-limit"],
            "MaxAge": 600,
        },
        [Route("GET", "/items", "List")],
    )
    calls: list[str] = []

    def ok(fn, ev):
        calls.append(fn)
        return {"statusCode": 200, "body": "{}"}

    def ask(method, origin, *extra):
        return handle(api, ok, method, "/items", [("Origin", origin), *extra], b"", "::1", "h")

    preflight = ask("OPTIONS", "http://app.test", ("Access-Control-Request-Method", "GET"))
    assert preflight.status == 204 and calls == []
    assert ("Access-Control-Allow-Credentials", "true") in preflight.headers
    assert ("Access-Control-Max-Age", "600") in preflight.headers
    answer = ask("GET", "http://app.test")
    assert ("Access-Control-Allow-Origin", "http://app.test") in answer.headers
    assert ("Access-Control-Expose-Headers", "x-ratelimit-limit") in answer.headers
    foreign = ask("GET", "http://evil.test")
    assert calls == ["List", "List"]
    assert not [name for name, _ in foreign.headers if name.lower().startswith("access-control-")]
