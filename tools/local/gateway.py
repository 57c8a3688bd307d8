"""An HTTP API (payload format 2.0) gateway for the local server, built from the template's routes.

What it copies from API Gateway, because clients and handlers rely on it:
- routes by method and path template, most specific first, `$default` last;
- `requestContext.http.sourceIp` is the connection's peer address (a client's
  X-Forwarded-For never counts);
- bodies that are not text are base64-encoded (`isBase64Encoded`), cookies
  arrive in `cookies`, repeated query parameters are comma-joined;
- CORS from the API's CorsConfiguration, its only definition (the functions
  set none): preflights (OPTIONS with Access-Control-Request-Method) answered
  here without running a function, an allowed origin's headers added to every
  function's answer, the function's own Access-Control-* headers dropped;
- payload limits: bodies over 10 MB, or events over Lambda's 6 MB, are refused
  with 413 before any function runs; a function error is a 500.
"""

from __future__ import annotations

import base64
import html
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from swagger_ui_bundle import swagger_ui_path

from tools.local import http_server
from tools.local.functions_pool import Invocation
from tools.local.http_server import LocalServer
from tools.local.local_values import CONSOLE_URL
from tools.local.logs import LogSink
from tools.local.template import ROOT, HttpApi, Route

HTTP_API_MAX_BODY = 10 * 1024 * 1024
LAMBDA_MAX_EVENT = 6 * 1024 * 1024
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")

Invoke = Callable[[str, dict[str, Any]], Invocation | dict[str, Any]]


@dataclass
class GatewayResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    function: str | None = None  # the function that answered, for the access log
    cold: bool | None = None


def match_route(api: HttpApi, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    candidates = [route for route in api.routes if route.path != "$default"]
    # Most specific first: more literal characters, then fewer greedy parameters.
    candidates.sort(key=lambda r: (-len(r.path.replace("{", "").split("}")[0]), "+}" in r.path))
    for route in candidates:
        if route.method not in (method, "ANY"):
            continue
        found = route.pattern.match(path)
        if found:
            return route, found.groupdict()
    default = next((route for route in api.routes if route.path == "$default"), None)
    return (default, {}) if default else None


def build_event(
    route: Route,
    params: dict[str, str],
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    host: str,
) -> dict[str, Any]:
    url = urlsplit(target)
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": merged,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": route.key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if params:
        event["pathParameters"] = params
    if body:
        event["body"], event["isBase64Encoded"] = encode_body(body, merged.get("content-type", ""))
    return event


def encode_body(body: bytes, content_type: str) -> tuple[str, bool]:
    """Text types travel as text; anything else (forms and multipart included) as base64."""
    if content_type.startswith(TEXT_TYPES) or content_type.endswith("+json"):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode(), True


def cors_headers(api: HttpApi, origin: str | None) -> list[tuple[str, str]]:
    """What API Gateway adds to an answer for a request from `origin`: nothing unless the origin is allowed."""
    allowed = list(api.cors.get("AllowOrigins", []))
    if not origin or not allowed:
        return []
    credentials = bool(api.cors.get("AllowCredentials"))
    if origin in allowed:
        headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    elif "*" in allowed and not credentials:
        headers = [("Access-Control-Allow-Origin", "*")]
    else:
        return []
    if credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if api.cors.get("ExposeHeaders"):
        headers.append(("Access-Control-Expose-Headers", ",".join(api.cors["ExposeHeaders"])))
    return headers


def preflight(api: HttpApi, origin: str | None) -> GatewayResponse:
    """API Gateway's own answer to a preflight: no function runs."""
    headers = cors_headers(api, origin)
    if headers:
        headers += [
            ("Access-Control-Allow-Methods", ",".join(api.cors.get("AllowMethods", ["*"]))),
            ("Access-Control-Allow-Headers", ",".join(api.cors.get("AllowHeaders", ["*"]))),
        ]
        if "MaxAge" in api.cors:
            headers.append(("Access-Control-Max-Age", str(api.cors["MaxAge"])))
    return GatewayResponse(204, headers)


def render(api: HttpApi, result: dict[str, Any], origin: str | None) -> GatewayResponse:
    if not isinstance(result, dict) or "statusCode" not in result:
        # Payload 2.0 treats any other value as a JSON body with status 200.
        return GatewayResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    if api.cors:  # the API's CORS headers replace whatever the function set
        headers = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
        headers.extend(cors_headers(api, origin))
    headers.extend(("Set-Cookie", cookie) for cookie in result.get("cookies") or [])
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return GatewayResponse(int(result["statusCode"]), headers, data)


def gateway_error(status: int, message: str) -> GatewayResponse:
    body = json.dumps({"message": message}).encode()
    return GatewayResponse(status, [("Content-Type", "application/json")], body)


def handle(
    api: HttpApi,
    invoke: Invoke,
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    host: str,
) -> GatewayResponse:
    lower = {name.lower(): value for name, value in headers}
    origin = lower.get("origin")
    if method == "OPTIONS" and api.cors and "access-control-request-method" in lower:
        return preflight(api, origin)
    path = urlsplit(target).path
    if method == "GET" and (path in ("/openapi.json", "/docs") or path.startswith(SWAGGER_ASSETS)):
        return api_document(api, path)
    matched = match_route(api, method, path)
    if matched is None:
        return gateway_error(404, "Not Found")
    route, params = matched
    event = build_event(route, params, method, target, headers, body, source_ip, host)
    if len(json.dumps(event)) > LAMBDA_MAX_EVENT:
        return gateway_error(413, "Request Entity Too Large")
    try:
        answer = invoke(route.function, event)
    except Exception:  # the function failed: API Gateway answers a bare 500
        failed = gateway_error(500, "Internal Server Error")
        failed.function = route.function
        return failed
    invocation = answer if isinstance(answer, Invocation) else Invocation(answer, cold=False, ms=0)
    response = render(api, invocation.result, origin)
    response.function = route.function
    response.cold = invocation.cold if isinstance(answer, Invocation) else None
    return response


SWAGGER_ASSETS = "/docs/assets/"
SWAGGER_FILES = {"swagger-ui.css": "text/css; charset=utf-8", "swagger-ui-bundle.js": "text/javascript; charset=utf-8"}
SWAGGER_UI = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} API (local)</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>.local-bar{{font:14px system-ui,sans-serif;padding:.5rem 1rem;background:#1f2937;color:#e5e7eb}}
.local-bar a{{color:#93c5fd}}</style></head>
<body><div class="local-bar">{title} on the local stack &middot; <a href="{console}">dev console</a>
(mail, Lightning, Stripe, BTCPay) &middot; <a href="/openapi.json">openapi.json</a></div><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "/openapi.json", dom_id: "#ui", deepLinking: true}})</script></body></html>"""


def api_document(api: HttpApi, path: str) -> GatewayResponse:
    """Local only: the API's committed OpenAPI document, and Swagger UI over it, its assets served from the
    swagger-ui-bundle-v2 package (no network needed)."""
    if path.startswith(SWAGGER_ASSETS):
        name = path.removeprefix(SWAGGER_ASSETS)
        if name not in SWAGGER_FILES:
            return gateway_error(404, "Not Found")
        asset = Path(str(swagger_ui_path)) / name
        headers = [("Content-Type", SWAGGER_FILES[name]), ("Cache-Control", "max-age=3600")]
        return GatewayResponse(200, headers, asset.read_bytes())
    document = ROOT / "openapi" / f"{api.name}.json"
    if not document.exists():
        return gateway_error(404, "Not Found")
    if path == "/openapi.json":
        return GatewayResponse(200, [("Content-Type", "application/json")], document.read_bytes())
    page = SWAGGER_UI.format(title=html.escape(api.name), console=CONSOLE_URL).encode()
    return GatewayResponse(200, [("Content-Type", "text/html; charset=utf-8")], page)


def serve(api: HttpApi, invoke: Invoke, host: str = "127.0.0.1", log: LogSink | None = None) -> LocalServer:
    def respond(request: BaseHTTPRequestHandler) -> None:
        started = time.perf_counter()
        length = int(request.headers.get("Content-Length") or 0)
        if length > HTTP_API_MAX_BODY:
            response = gateway_error(413, "Request Entity Too Large")
            request.close_connection = True
        else:
            body = request.rfile.read(length) if length else b""
            response = handle(
                api,
                invoke,
                request.command,
                request.path,
                list(request.headers.items()),
                body,
                request.client_address[0],
                request.headers.get("Host", f"{host}:{api.port}"),
            )
        request.send_response(response.status)
        for name, value in response.headers:
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(response.body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(response.body)
        if log is not None:
            ms = (time.perf_counter() - started) * 1000
            path = urlsplit(request.path).path
            log.access(api.name, request.command, path, response.status, ms, response.function, response.cold)

    return http_server.serve(api.port, respond, host, name="local-http-api")
